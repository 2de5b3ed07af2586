/**
 * Screen sharing at the protocol level: one share at a time, unless a
 * moderator allows several; only moderators may; stopping frees the slot.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { newRoom, signalingUrl, useSharedServer } from "./server.js";

const SECRET = "a-screens-secret-of-enough-length";
let server: TreffServer;
useSharedServer((s) => (server = s), { secret: SECRET });
const connect = () => TestClient.connect(signalingUrl(server));
const moderatorKey = (room: string) => ownerKey(SECRET, room);

test("one share at a time: a second sharer hears screen-busy; after a stop, the next may share", async () => {
  const room = newRoom();
  const ada = await connect();
  const ben = await connect();
  await ada.join(room, "Ada");
  await ben.join(room, "Ben");
  ada.send({ type: "publishScreen", sdp: publisherOffer() });
  assert.match((await ada.next("screenAnswer")).sdp, /^v=0/);
  ben.send({ type: "publishScreen", sdp: publisherOffer() });
  const busy = await ben.next("error");
  assert.equal(busy.code, "screen-busy");
  ada.send({ type: "stopScreen" });
  await ada.barrier(); // the stop has been handled
  ben.send({ type: "publishScreen", sdp: publisherOffer() });
  assert.match((await ben.next("screenAnswer")).sdp, /^v=0/);
});

test("a moderator may allow several shares at once; nobody else may", async () => {
  const room = newRoom();
  const host = await connect();
  const ada = await connect();
  const ben = await connect();
  await host.join(room, "Host", { moderatorKey: moderatorKey(room) });
  await ada.join(room, "Ada");
  await ben.join(room, "Ben");

  ada.send({ type: "allowMultipleShares", allowed: true });
  assert.equal((await ada.next("error")).code, "forbidden");

  host.send({ type: "allowMultipleShares", allowed: true });
  const state = await ben.next("roomState", { where: (m) => m.multipleShares });
  assert.equal(state.multipleShares, true);
  ada.send({ type: "publishScreen", sdp: publisherOffer() });
  await ada.next("screenAnswer");
  ben.send({ type: "publishScreen", sdp: publisherOffer() });
  assert.match((await ben.next("screenAnswer")).sdp, /^v=0/);
});
