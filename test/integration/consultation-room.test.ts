/**
 * A consultation's media-server room (docs/consultation.md, "A third person") against the real
 * server and Janus: only those with the hub's invitation key come in, as participants, and only
 * with a browser that encrypts end to end; a guess at the name, a moderator key of another room
 * or a lobby knock gets nothing; a dropped connection comes back with its resume token.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { TreffServer } from "../../src/server/app.js";
import { ModeratorKeys, deriveSecret } from "../../src/meeting/moderator-keys.js";
import { TestClient } from "./client.js";
import { useSharedServer, welcomedClient } from "./server.js";

const SECRET = "a-test-secret-of-enough-length";
const PUBLIC_KEY = Buffer.alloc(65, 4).toString("base64url");
const keys = new ModeratorKeys(deriveSecret(Buffer.from(SECRET), "moderator-keys"));
const HOUR = 3600_000;

let server: TreffServer;
// With the lobby on: a consultation's room must not let anyone knock either.
useSharedServer((s) => (server = s), { meetings: { lobby: true }, secret: SECRET });

const connect = () => welcomedClient(server);

async function refusal(room: string, extra: Parameters<TestClient["join"]>[2]): Promise<string> {
  const client = await connect();
  client.sendJoin(room, "Mallory", extra);
  const reply = await client.nextOf(["joined", "lobby", "error"]);
  return reply.type === "error" ? reply.code : reply.type;
}

test("the invited come in as participants; no one else, not even by knocking", async () => {
  const room = "consult-AbCdEfGhIjKlMnOpQrStUv";
  const staff = await connect();
  const joined = await staff.join(room, "Dr. Muster", { moderatorKey: keys.issueInvited(room, HOUR), publicKey: PUBLIC_KEY });
  assert.equal(joined.role, "participant");
  assert.equal(joined.moderatorKey, undefined, "no one moderates a consultation's room");

  assert.equal(await refusal(room, { publicKey: PUBLIC_KEY }), "forbidden", "without a key");
  assert.equal(await refusal(room, { publicKey: PUBLIC_KEY, moderatorKey: keys.issueInvited("consult-another", HOUR) }), "forbidden", "another room's key");
  assert.equal(await refusal(room, { publicKey: PUBLIC_KEY, moderatorKey: keys.issueOwner("consult-another", HOUR) }), "forbidden", "an owner key of another room");
  assert.equal(await refusal(room, { moderatorKey: keys.issueInvited(room, HOUR) }), "e2ee-required", "a browser that cannot encrypt");
  const forged = keys.issueInvited(room, HOUR).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
  assert.equal(await refusal(room, { publicKey: PUBLIC_KEY, moderatorKey: forged }), "forbidden", "a forged key");

  // A dropped connection comes back by its resume token, without a key.
  const patient = await connect();
  const first = await patient.join(room, "Frau M.", { moderatorKey: keys.issueInvited(room, HOUR), publicKey: PUBLIC_KEY });
  await patient.close();
  const back = await connect();
  const again = await back.join(room, "Frau M.", { resumeToken: first.resumeToken, publicKey: PUBLIC_KEY });
  assert.equal(again.participantId, first.participantId);
});
