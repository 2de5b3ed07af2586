/**
 * examples/roll-call.ts, the second client written from docs/protocol.md
 * alone, against the real server: if the document were wrong or
 * incomplete, this client would not get in, or would misread what it gets.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { once } from "node:events";
import type { TreffServer } from "../../src/server/app.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { parseArguments, rollCall } from "../../examples/roll-call.js";
import { TestClient } from "./client.js";
import { newRoom, signalingUrl, useSharedServer } from "./server.js";
import { waitUntil } from "../helpers/wait.js";

const SECRET = "a-test-secret-of-enough-length";
const keyOf = (room: string) => ownerKey(SECRET, room);

let server: TreffServer;
useSharedServer((s) => (server = s), { meetings: { lobby: true }, secret: SECRET });

/** Ann, the meeting's moderator, in `room`. */
async function ann(room: string): Promise<TestClient> {
  const client = await TestClient.connect(signalingUrl(server));
  await client.next("welcome");
  await client.join(room, "Ann", { moderatorKey: keyOf(room) });
  return client;
}

/** Ann lets `name` in once they knock. */
async function admit(host: TestClient, name: string): Promise<void> {
  host.send({ type: "admit", participants: [await host.waitingId(name)] });
}

test("it waits in the lobby, lists who is there, says so in the chat and leaves", async () => {
  const room = newRoom();
  const host = await ann(room);
  const lines: string[] = [];
  const done = rollCall(parseArguments([server.url, room]), (line) => lines.push(line));
  await admit(host, "Roll call");
  assert.equal(await done, 0);
  assert.deepEqual(lines, ["Waiting in the lobby until a moderator lets us in.", `In "${room}": Ann (moderator).`]);
  const joined = await host.next("participantJoined");
  assert.deepEqual([joined.participant.name, joined.participant.publicKey], ["Roll call", null], "no key: shown as not end-to-end encrypted");
  assert.equal((await host.next("chat")).text, "Roll call: 2 here (Ann (moderator) and me).");
  await host.next("participantLeft", { where: (m) => m.participantId === joined.participant.id });
});

test("a wrong password ends it with the server's error and exit code 1", async () => {
  const room = newRoom();
  const host = await ann(room);
  host.send({ type: "setPassword", password: "Sprechstunde" });
  await host.next("roomState", { where: (m) => m.passwordSet });
  const lines: string[] = [];
  assert.equal(await rollCall(parseArguments([server.url, room, "--password", "falsch"]), (line) => lines.push(line)), 1);
  assert.match(lines.join("\n"), /^error wrong-password: /m);
});

test("from the command line with --watch it stays, prints the chat, and leaves on Ctrl-C", async () => {
  const room = newRoom();
  const host = await ann(room);
  const child = spawn(process.execPath, ["--import", "tsx", "examples/roll-call.ts", server.url, room, "--name", "Watcher", "--watch"], { stdio: ["ignore", "pipe", "inherit"] });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await admit(host, "Watcher");
  const watcher = await host.next("participantJoined", { timeoutMs: 15_000 });
  assert.equal(watcher.participant.name, "Watcher");
  host.send({ type: "chat", text: "Hallo zusammen" });
  await waitUntil("the chat on its output", () => Promise.resolve(output), (o) => o.includes("Ann: Hallo zusammen"), 10_000);
  child.kill("SIGINT");
  const [code] = await once(child, "exit");
  assert.equal(code, 0);
  await host.next("participantLeft", { where: (m) => m.participantId === watcher.participant.id });
});
