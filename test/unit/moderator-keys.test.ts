/** ModeratorKeys: what a moderator key proves, and everything it must refuse. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ModeratorKeys, deriveSecret } from "../../src/meeting/moderator-keys.js";

const DAY_MS = 24 * 3600 * 1000;
const secret = (s: string) => deriveSecret(Buffer.from(s), "moderator-keys");

describe("moderator keys", () => {
  let now = 1_800_000_000_000;
  const keys = new ModeratorKeys(secret("a-server-secret-of-enough-length"), () => now);

  test("an owner's key proves the room, the grant, its id and its expiry", () => {
    const key = keys.issueOwner("standup", DAY_MS);
    assert.match(key, /^m1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
    const claims = keys.verify("standup", key);
    assert.deepEqual({ ...claims, id: "…" }, { room: "standup", grant: "owner", id: "…", expiresAt: now + DAY_MS });
    assert.match(claims!.id, /^[A-Za-z0-9_-]{16}$/, "96 random bits");
  });

  test("every key has an id of its own, unless renewed under the same one", () => {
    const a = keys.verify("r", keys.issueOwner("r", DAY_MS))!;
    const b = keys.verify("r", keys.issueOwner("r", DAY_MS))!;
    assert.notEqual(a.id, b.id);
    assert.equal(keys.verify("r", keys.issueOwner("r", 2 * DAY_MS, a.id))!.id, a.id);
  });

  test("a promoted key names the run of the meeting it was made in", () => {
    const claims = keys.verify("r", keys.issuePromoted("r", "run-1", DAY_MS));
    assert.equal(claims?.grant, "promoted");
    assert.equal(claims?.instance, "run-1");
  });

  test("an invitation key (a consultation's room) says so, and is worth nothing elsewhere", () => {
    const key = keys.issueInvited("consult-abc", DAY_MS);
    assert.deepEqual({ ...keys.verify("consult-abc", key), id: "…" }, { room: "consult-abc", grant: "invited", id: "…", expiresAt: now + DAY_MS });
    assert.equal(keys.verify("consult-abd", key), undefined);
  });

  test("a key is worth nothing for another room, after its expiry, or under another secret", () => {
    const key = keys.issueOwner("standup", DAY_MS);
    assert.equal(keys.verify("standup2", key), undefined);
    assert.equal(keys.verify("Standup", key), undefined);
    assert.equal(new ModeratorKeys(secret("another-secret-of-enough-length"), () => now).verify("standup", key), undefined);
    now += DAY_MS;
    assert.equal(keys.verify("standup", key), undefined, "expired at exactly its expiry");
  });

  test("forged, altered, truncated and malformed keys are refused without throwing", () => {
    const key = keys.issueOwner("standup", DAY_MS);
    const [prefix, payload, signature] = key.split(".") as [string, string, string];
    const otherPayload = Buffer.from(JSON.stringify({ r: "standup", g: "o", i: "x", e: 9_999_999_999 })).toString("base64url");
    const flip = (s: string) => (s[0] === "A" ? "B" : "A") + s.slice(1);
    for (const [what, candidate] of [
      ["a payload swapped under the old signature", `${prefix}.${otherPayload}.${signature}`],
      ["the signature altered", `${prefix}.${payload}.${flip(signature)}`],
      ["the signature cut", `${prefix}.${payload}.${signature.slice(0, 20)}`],
      ["no signature", `${prefix}.${payload}`],
      ["another version", `m2.${payload}.${signature}`],
      ["an extra part", `${key}.x`],
      ["the signature's spare last bits changed (same bytes, another spelling)", `${prefix}.${payload}.${signature.slice(0, -1)}${String.fromCharCode(signature.charCodeAt(42) ^ 1)}`],
      ["the old HMAC-of-the-room-name format", "A".repeat(43)],
      ["empty", ""],
      ["undefined", undefined],
      ["a payload that is not JSON", `${prefix}.bm90IGpzb24.${signature}`],
    ] as const) {
      assert.equal(keys.verify("standup", candidate), undefined, what);
    }
  });

  test("keys derived for another purpose never verify as moderator keys", () => {
    const other = new ModeratorKeys(deriveSecret(Buffer.from("a-server-secret-of-enough-length"), "appointments"), () => now);
    assert.equal(keys.verify("standup", other.issueOwner("standup", DAY_MS)), undefined);
  });
});
