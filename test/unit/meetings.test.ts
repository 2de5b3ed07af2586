/**
 * MeetingCreator (POST /api/meetings): every creation is a new room with a
 * new owner's moderator key, a chosen name gets a random suffix, only an
 * operator's token names an exact room, and who may create at all.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { MeetingCreator } from "../../src/server/meetings.js";
import { parseConfig } from "../../src/server/config.js";
import { ModeratorKeys, deriveSecret } from "../../src/meeting/moderator-keys.js";

const SECRET = "a-server-secret-of-enough-length";
const CREATION_SECRET = "a-creation-secret-of-enough-length";
const DAY_MS = 24 * 3600 * 1000;

const keys = new ModeratorKeys(deriveSecret(Buffer.from(SECRET), "moderator-keys"));
const creator = (config: Record<string, unknown> = {}) => new MeetingCreator(parseConfig({ secret: SECRET, ...config }), keys);
const tokenCreator = (meetings: Record<string, unknown> = {}) => creator({ meetings: { creation: "token", creationSecret: CREATION_SECRET, ...meetings } });
const openWithTokens = () => creator({ meetings: { creationSecret: CREATION_SECRET } });

/** An HS256 JWT signed with `secret`, valid for an hour unless `change` says otherwise. */
async function jwt(secret = CREATION_SECRET, change: (j: SignJWT) => SignJWT = (j) => j, alg = "HS256", claims: Record<string, unknown> = {}): Promise<string> {
  const base = new SignJWT({ sub: "organiser", ...claims }).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime("1h");
  return change(base).sign(new TextEncoder().encode(secret));
}

/** The owner's claims of a created meeting's key, or a failure. */
function ownerOf(result: Awaited<ReturnType<MeetingCreator["create"]>>) {
  assert.equal(result.ok, true, JSON.stringify(result));
  if (!result.ok) throw new Error("unreachable");
  const claims = keys.verify(result.room, result.moderatorKey);
  assert.ok(claims, "the answer carries a valid moderator key for its room");
  return { room: result.room, claims };
}

describe("MeetingCreator.create (open)", () => {
  test("without a name: a random 22-character name and an owner's key for it, valid for 30 days", async () => {
    const before = Date.now();
    const { room, claims } = ownerOf(await creator().create(undefined, undefined));
    assert.match(room, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(claims.grant, "owner");
    assert.ok(claims.expiresAt >= before + 30 * DAY_MS - 1000 && claims.expiresAt <= Date.now() + 30 * DAY_MS);
  });

  test("the key lifetime is the operator's (moderatorKeyDays)", async () => {
    const { claims } = ownerOf(await creator({ meetings: { moderatorKeyDays: 2 } }).create(undefined, undefined));
    assert.ok(Math.abs(claims.expiresAt - (Date.now() + 2 * DAY_MS)) < 2000);
  });

  test("random names differ every time; null and empty names also get one", async () => {
    const a = creator();
    const rooms = new Set<string>();
    for (const name of [undefined, null, "", undefined, undefined]) rooms.add(ownerOf(await a.create(undefined, name)).room);
    assert.equal(rooms.size, 5);
  });

  test("a chosen name gets a random 128-bit suffix: asking twice gives two rooms and two unrelated keys", async () => {
    const a = creator();
    const first = ownerOf(await a.create(undefined, "standup"));
    const second = ownerOf(await a.create(undefined, "standup"));
    assert.match(first.room, /^standup-[A-Za-z0-9_-]{22}$/);
    assert.notEqual(first.room, second.room);
    assert.notEqual(first.claims.id, second.claims.id);
  });

  test("creating a meeting named like an existing room (the critical hole) gives another room, never a key for it", async () => {
    const a = creator();
    for (const victim of [ownerOf(await a.create(undefined, undefined)).room, "teamstandup"]) {
      const answer = await a.create(undefined, victim);
      const attack = ownerOf(answer);
      assert.notEqual(attack.room, victim);
      assert.ok(attack.room.startsWith(`${victim}-`));
      assert.equal(keys.verify(victim, answer.ok ? answer.moderatorKey : ""), undefined, "the answer's key is worth nothing in the existing room");
    }
  });

  test("an Authorization header where no creation secret is set: 401 (nothing is silently ignored)", async () => {
    assert.deepEqual(await creator().create("Bearer nonsense", undefined), { ok: false, status: 401, error: "this server takes no creation tokens" });
  });

  test("open creation with a creation secret: a token may name an exact room", async () => {
    const header = `Bearer ${await jwt(CREATION_SECRET, (j) => j, "HS256", { room: "board-meeting" })}`;
    const { room, claims } = ownerOf(await openWithTokens().create(header, undefined));
    assert.equal(room, "board-meeting");
    assert.equal(claims.grant, "owner");
  });

  test("names a video consultation keeps for itself cannot be chosen, nor named by a token", async () => {
    const refused = { ok: false, status: 400, error: "names beginning with 'consult-' are kept for video consultations" };
    assert.deepEqual(await creator().create(undefined, "consult"), refused);
    const header = `Bearer ${await jwt(CREATION_SECRET, (j) => j, "HS256", { room: "consult-abc" })}`;
    assert.deepEqual(await openWithTokens().create(header, undefined), refused);
    assert.equal((await creator().create(undefined, "consultation")).ok, true);
  });

  for (const [what, name] of [
    ["a slash", "a/b"],
    ["42 characters", "x".repeat(42)],
    ["a space", "a b"],
    ["a non-ASCII letter", "café"],
    ["a number", 42],
    ["an object", { room: "x" }],
  ] as const) {
    test(`a name with ${what} is 400`, async () => {
      assert.deepEqual(await creator().create(undefined, name), {
        ok: false,
        status: 400,
        error: "a chosen name has 1–41 letters, digits, '-' or '_' (a random part is added)",
      });
    });
  }
});

describe("MeetingCreator.create (token)", () => {
  const unauthorized = (error: string) => ({ ok: false, status: 401, error });
  const noToken = unauthorized("creating meetings needs a token");
  const invalid = unauthorized("the token is not valid");

  test("without an Authorization header: 401", async () => {
    assert.deepEqual(await tokenCreator().create(undefined, undefined), noToken);
  });

  test("an Authorization header that is not a Bearer token: 401", async () => {
    const token = await jwt();
    for (const header of ["", "Bearer", "Bearer ", `Basic ${token}`, `bearer${token}`, `Bearer ${token} extra`]) {
      assert.deepEqual(await tokenCreator().create(header, undefined), noToken, header);
    }
  });

  test("a token that is not a JWT: 401", async () => {
    assert.deepEqual(await tokenCreator().create("Bearer not.a.jwt", undefined), invalid);
    assert.deepEqual(await tokenCreator().create("Bearer xyz", undefined), invalid);
  });

  test("an expired token: 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await jwt(CREATION_SECRET, (j) => j.setIssuedAt(now - 7200).setExpirationTime(now - 3600));
    assert.deepEqual(await tokenCreator().create(`Bearer ${token}`, undefined), invalid);
  });

  test("a token that is not valid yet: 401", async () => {
    const token = await jwt(CREATION_SECRET, (j) => j.setNotBefore("1h"));
    assert.deepEqual(await tokenCreator().create(`Bearer ${token}`, undefined), invalid);
  });

  test("a token signed with another secret: 401", async () => {
    const token = await jwt("some-other-secret-of-enough-length");
    assert.deepEqual(await tokenCreator().create(`Bearer ${token}`, undefined), invalid);
  });

  test("a token signed with the server secret instead of the creation secret: 401", async () => {
    assert.deepEqual(await tokenCreator().create(`Bearer ${await jwt(SECRET)}`, undefined), invalid);
  });

  test("a token whose signature was altered: 401", async () => {
    const token = await jwt();
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const altered = `${header}.${payload}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
    assert.deepEqual(await tokenCreator().create(`Bearer ${altered}`, undefined), invalid);
  });

  test("a token with alg none: 401", async () => {
    const token = new UnsecuredJWT({ sub: "organiser" }).setIssuedAt().setExpirationTime("1h").encode();
    assert.match(token, /\.$/, "an unsecured JWT has an empty signature");
    assert.deepEqual(await tokenCreator().create(`Bearer ${token}`, undefined), invalid);
  });

  test("a token with another HMAC algorithm (HS512) and the right secret: 401", async () => {
    const token = await jwt(CREATION_SECRET, (j) => j, "HS512");
    assert.deepEqual(await tokenCreator().create(`Bearer ${token}`, undefined), invalid);
  });

  test("a valid HS256 token creates a meeting", async () => {
    const { room } = ownerOf(await tokenCreator().create(`Bearer ${await jwt()}`, undefined));
    assert.match(room, /^[A-Za-z0-9_-]{22}$/);
  });

  test("a valid token and a chosen name: the name with a suffix; an invalid name is still 400", async () => {
    const header = `Bearer ${await jwt()}`;
    assert.match(ownerOf(await tokenCreator().create(header, "board")).room, /^board-[A-Za-z0-9_-]{22}$/);
    assert.equal((await tokenCreator().create(header, "a/b")).ok, false);
  });

  test("a token naming a room gives that exact room (an operator's recurring meeting); a bad room claim is 401", async () => {
    const named = `Bearer ${await jwt(CREATION_SECRET, (j) => j, "HS256", { room: "math-101" })}`;
    assert.equal(ownerOf(await tokenCreator().create(named, "ignored")).room, "math-101");
    const bad = `Bearer ${await jwt(CREATION_SECRET, (j) => j, "HS256", { room: "a/b" })}`;
    assert.deepEqual(await tokenCreator().create(bad, undefined), { ok: false, status: 401, error: "the token's room is not a valid room name" });
  });

  test("a token without an expiry: 401 (a leaked one would be good forever)", async () => {
    const token = await new SignJWT({ sub: "organiser" }).setProtectedHeader({ alg: "HS256" }).setIssuedAt().sign(new TextEncoder().encode(CREATION_SECRET));
    assert.deepEqual(await tokenCreator().create(`Bearer ${token}`, undefined), invalid);
  });

  test("issuer and audience are checked when configured", async () => {
    const strict = tokenCreator({ creationIssuer: "portal.example.org", creationAudience: "treff" });
    const right = await jwt(CREATION_SECRET, (j) => j.setIssuer("portal.example.org").setAudience("treff"));
    assert.equal((await strict.create(`Bearer ${right}`, undefined)).ok, true);
    for (const wrong of [
      await jwt(),
      await jwt(CREATION_SECRET, (j) => j.setIssuer("elsewhere.example.org").setAudience("treff")),
      await jwt(CREATION_SECRET, (j) => j.setIssuer("portal.example.org").setAudience("other")),
    ]) {
      assert.deepEqual(await strict.create(`Bearer ${wrong}`, undefined), invalid);
    }
  });

  test("without a token even an invalid name is 401: authorisation comes first", async () => {
    assert.deepEqual(await tokenCreator().create(undefined, "a/b"), noToken);
  });
});
