/**
 * Ephemeral TURN credentials: the username carries the expiry and a random
 * id, the credential is the HMAC a TURN server with the same secret
 * recomputes. The HMAC is checked against a value computed with openssl and
 * against HMAC built by hand from SHA-1 (RFC 2104), not with the code under test.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { iceServersFor, turnCredential } from "../../src/server/turn.js";
import { parseConfig } from "../../src/server/config.js";

const SECRET = "s3cret-shared-with-coturn";
const NOW_MS = 1_700_000_000_123; // 2023-11-14T22:13:20.123Z

/** HMAC-SHA1 from its definition: H((K ^ opad) || H((K ^ ipad) || message)), 64-byte blocks. */
function hmacSha1ByHand(key: string, message: string): string {
  const block = Buffer.alloc(64);
  Buffer.from(key).copy(block); // keys up to 64 bytes are zero-padded
  const pad = (byte: number) => Buffer.from(block.map((b) => b ^ byte));
  const inner = createHash("sha1").update(pad(0x36)).update(message).digest();
  return createHash("sha1").update(pad(0x5c)).update(inner).digest("base64");
}

test("a credential matches openssl's HMAC-SHA1 of the username", () => {
  // printf '%s' "1700003600:fixed-id" | openssl dgst -sha1 -hmac "$SECRET" -binary | base64
  const credential = turnCredential(SECRET, 3600, NOW_MS, "fixed-id");
  assert.deepEqual(credential, { username: "1700003600:fixed-id", credential: "P3g2VuhSYRFignChoLxvc8Vgusg=" });
});

test("the username is the expiry in Unix seconds and a random id; no two calls share one", () => {
  const config = parseConfig({ turn: { secret: SECRET, urls: ["turn:turn.example.org:3478?transport=udp"], ttlSeconds: 600 } });
  const usernames = new Set<string>();
  for (let i = 0; i < 50; i++) {
    const turn = iceServersFor(config, () => NOW_MS).at(-1)!;
    const [expiry, id] = turn.username!.split(":");
    assert.equal(Number(expiry), Math.floor(NOW_MS / 1000) + 600, "expires ttlSeconds after now, whole seconds");
    assert.match(id!, /^[A-Za-z0-9_-]{12}$/, "a random id with no user data in it");
    assert.equal(turn.credential, hmacSha1ByHand(SECRET, turn.username!));
    usernames.add(turn.username!);
  }
  assert.equal(usernames.size, 50);
});

test("the expiry follows the injected clock", () => {
  const config = parseConfig({ turn: { secret: SECRET, urls: ["turn:t.example:3478"] } });
  const later = NOW_MS + 90 * 60_000;
  const [expiry] = iceServersFor(config, () => later)[0]!.username!.split(":");
  assert.equal(Number(expiry), Math.floor(later / 1000) + 6 * 3600, "default ttl: six hours");
});

test("configured ICE servers come first, then TURN with every configured url", () => {
  const stun = { urls: ["stun:stun.example.org:3478"] };
  const urls = ["turn:t.example:3478?transport=udp", "turn:t.example:3478?transport=tcp", "turns:t.example:443?transport=tcp"];
  const servers = iceServersFor(parseConfig({ iceServers: [stun], turn: { secret: SECRET, urls } }), () => NOW_MS);
  assert.equal(servers.length, 2);
  assert.deepEqual(servers[0], stun);
  assert.deepEqual(servers[1]!.urls, urls);
});

test("without TURN urls only the configured ICE servers are announced (none by default)", () => {
  assert.deepEqual(iceServersFor(parseConfig({})), []);
  assert.deepEqual(iceServersFor(parseConfig({ turn: { secret: SECRET } })), []);
  const stun = { urls: ["stun:stun.example.org"] };
  assert.deepEqual(iceServersFor(parseConfig({ iceServers: [stun] })), [stun]);
});
