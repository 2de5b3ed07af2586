/**
 * The connectivity check's `probe` against the real server and its real
 * Janus: an offer gets the media server's answer without any `join`, one
 * probe per connection, and whatever way a probe ends (socket closed,
 * refused offer, its own timer) it leaves no Janus session behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { startTreff, type TreffServer } from "../../src/server/app.js";
import { parseConfig } from "../../src/server/config.js";
import { createLogger } from "../../src/common/log.js";
import { RefusedError } from "../../src/meeting/errors.js";
import { ProbeService } from "../../src/server/probe.js";
import { TestClient } from "./client.js";
import { publisherOffer } from "./sdp.js";
import { signalingUrl, useSharedServer, waitUntilIdle } from "./server.js";
import { waitUntil } from "../helpers/wait.js";
import { testMediaInterface } from "../helpers/server.js";

let server: TreffServer;
const connect = () => TestClient.connect(signalingUrl(server));
const janusSessions = () => server.janus.connection?.sessions.size ?? 0;

useSharedServer((s) => (server = s));

test("a probe without join gets the media server's answer; closing the socket removes its Janus room", async () => {
  const before = janusSessions();
  const client = await connect();
  await client.next("welcome");
  client.send({ type: "probe", sdp: publisherOffer() });
  const { sdp } = await client.next("probeAnswer");
  assert.match(sdp, /^v=0\r\n/);
  assert.match(sdp, /a=ice-ufrag:/, "the answer carries Janus' ICE credentials");
  assert.match(sdp, /a=candidate:/, "and its candidates (no trickle from the server)");
  assert.equal(janusSessions(), before + 1, "one Janus session (the probe's room) while the probe is open");
  assert.equal(server.registry.size, 0, "a probe is no meeting room");

  await client.close();
  await waitUntil("the probe's Janus session to go", async () => janusSessions(), (n) => n === before);
});

test("a second probe on the same connection is out of order; the first stays", async () => {
  const client = await connect();
  client.send({ type: "probe", sdp: publisherOffer() });
  await client.next("probeAnswer");
  const sessions = janusSessions();
  client.send({ type: "probe", sdp: publisherOffer() });
  const error = await client.next("error");
  assert.equal(error.code, "out-of-order");
  assert.equal(error.inReplyTo, "probe");
  assert.equal(janusSessions(), sessions, "the refused probe created nothing");
  assert.ok(client.isOpen);
});

test("a probe also works after join and leaves the meeting alone", async () => {
  // Its own server without a lobby: a guest in the lobby has not finished joining, and
  // every message waits for that (see signaling.ts).
  const config = parseConfig({ host: "127.0.0.1", port: 0, logLevel: "silent", janus: { iceInterfaces: testMediaInterface() }, meetings: { lobby: false } });
  const open = await startTreff(config, createLogger("silent"));
  try {
    const client = await TestClient.connect(signalingUrl(open));
    await client.join(`probe-${Date.now().toString(36)}`, "Ada");
    client.send({ type: "probe", sdp: publisherOffer() });
    await client.next("probeAnswer");
    assert.equal(open.registry.size, 1);
    assert.equal(open.janus.connection?.sessions.size, 2, "the meeting's Janus session and the probe's");
    await client.close();
    await waitUntilIdle(open);
  } finally {
    await open.close();
  }
});

test("an offer the media server refuses gets media-unavailable and leaves nothing behind", async () => {
  const before = janusSessions();
  const client = await connect();
  client.send({ type: "probe", sdp: "v=0\r\nnot an offer\r\n" });
  const error = await client.next("error");
  assert.equal(error.code, "media-unavailable");
  assert.equal(error.inReplyTo, "probe");
  await waitUntil("no Janus session left by the refused probe", async () => janusSessions(), (n) => n === before);
  // The failed probe does not count: the connection may try again.
  client.send({ type: "probe", sdp: publisherOffer() });
  await client.next("probeAnswer");
});

test("a probe closes itself after its lifetime, even if the browser never goes away", async () => {
  const probes = new ProbeService(server.mediaPlane, { lifetimeMs: 300 });
  const before = janusSessions();
  const probe = await probes.start(publisherOffer());
  assert.match(probe.answer, /^v=0/);
  assert.equal(probes.size, 1);
  await waitUntil("the probe to close by itself", async () => [probes.size, janusSessions()], ([size, n]) => size === 0 && n === before);
  await probe.close(); // idempotent after the timer closed it
});

test("the number of open probes is capped server-wide", async () => {
  const probes = new ProbeService(server.mediaPlane, { maxOpen: 1 });
  const first = await probes.start(publisherOffer());
  await assert.rejects(probes.start(publisherOffer()), (error: unknown) => error instanceof RefusedError && error.code === "server-busy");
  await first.close();
  const again = await probes.start(publisherOffer());
  await again.close();
  assert.equal(probes.size, 0);
});
