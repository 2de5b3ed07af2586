/**
 * Who may open the signaling WebSocket: pages of this origin and clients
 * that send no Origin (not browsers). Another site's page must not, or it
 * could join meetings in a visitor's name (cross-site WebSocket hijacking).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { TestClient, UpgradeRefused } from "./client.js";
import { newRoom, signalingUrl, useSharedServer } from "./server.js";

let server: TreffServer;

useSharedServer((s) => (server = s));

async function assertRefused(url: string, origin?: string): Promise<void> {
  await assert.rejects(
    TestClient.connect(url, origin ? { origin } : {}),
    (error: unknown) => error instanceof UpgradeRefused && error.status === 403,
    `${url} with Origin ${origin ?? "(none)"} is refused with 403`,
  );
}

test("an upgrade without Origin is accepted (non-browser clients)", async () => {
  const client = await TestClient.connect(signalingUrl(server));
  assert.ok((await client.join(newRoom(), "Cli")).participantId);
});

test("an upgrade from the server's own origin is accepted", async () => {
  const client = await TestClient.connect(signalingUrl(server), { origin: server.url });
  assert.ok((await client.join(newRoom(), "Page")).participantId);
});

test("an upgrade from another origin is refused", async () => {
  const port = new URL(server.url).port;
  for (const origin of [
    "http://evil.example",
    `http://evil.example:${port}`,
    `http://localhost:${port}`, // same machine, but not the host the request went to
    `http://127.0.0.1:${Number(port) + 1}`,
    `http://127.0.0.1:${port}.evil.example`,
    "null", // sandboxed frames and file:// pages
    "not a url",
  ]) {
    await assertRefused(signalingUrl(server), origin);
  }
  assert.equal(server.signaling.connectionCount, 0);
});

test("an upgrade to any other path is refused", async () => {
  for (const path of ["/other", "/ws/", "/ws/x", "/", "/r/ws"]) {
    await assertRefused(signalingUrl(server, path));
  }
  // A query string does not change the path.
  const client = await TestClient.connect(`${signalingUrl(server)}?v=1`);
  assert.ok(client.isOpen);
});

test("the server keeps serving after refused upgrades", async () => {
  await assertRefused(signalingUrl(server), "http://evil.example");
  const a = await TestClient.connect(signalingUrl(server), { origin: server.url });
  const b = await TestClient.connect(signalingUrl(server));
  const room = newRoom();
  await a.join(room, "Ada");
  await b.join(room, "Bob");
  assert.equal((await a.next("participantJoined")).participant.name, "Bob");
});
