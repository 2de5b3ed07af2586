/**
 * MeetingCreator: moderator keys derived from the server secret, room names
 * handed out by POST /api/meetings, and who may create meetings.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, UnsecuredJWT } from "jose";
import { MeetingCreator } from "../../src/server/meetings.js";
import { parseConfig } from "../../src/server/config.js";

const SECRET = "a-server-secret-of-enough-length";
const CREATION_SECRET = "a-creation-secret-of-enough-length";
const DAY_MS = 24 * 3600 * 1000;

const creator = (config: Record<string, unknown> = {}, now?: () => number) =>
  new MeetingCreator(parseConfig({ secret: SECRET, ...config }), now);

const tokenCreator = () => creator({ meetings: { creation: "token", creationSecret: CREATION_SECRET } });

/** An HS256 JWT signed with `secret`, valid for an hour unless `change` says otherwise. */
async function jwt(secret = CREATION_SECRET, change: (j: SignJWT) => SignJWT = (j) => j, alg = "HS256"): Promise<string> {
  const base = new SignJWT({ sub: "organiser" }).setProtectedHeader({ alg }).setIssuedAt().setExpirationTime("1h");
  return change(base).sign(new TextEncoder().encode(secret));
}

describe("moderator keys", () => {
  test("are deterministic per secret and room", () => {
    const a = creator();
    const b = creator();
    assert.equal(a.moderatorKey("standup"), a.moderatorKey("standup"));
    assert.equal(a.moderatorKey("standup"), b.moderatorKey("standup"), "a restart with the same secret keeps the links");
    assert.match(a.moderatorKey("standup"), /^[A-Za-z0-9_-]{43}$/, "256 bits as base64url");
  });

  test("differ per room", () => {
    const a = creator();
    assert.notEqual(a.moderatorKey("standup"), a.moderatorKey("standup2"));
    assert.notEqual(a.moderatorKey("a"), a.moderatorKey("A"));
  });

  test("differ per secret", () => {
    assert.notEqual(creator().moderatorKey("standup"), creator({ secret: "another-secret-of-enough-length" }).moderatorKey("standup"));
  });

  test("without a configured secret each server start has its own", () => {
    const a = new MeetingCreator(parseConfig({}));
    const b = new MeetingCreator(parseConfig({}));
    assert.equal(a.ephemeralSecret, true);
    assert.equal(creator().ephemeralSecret, false);
    assert.notEqual(a.moderatorKey("standup"), b.moderatorKey("standup"));
  });

  test("isModeratorKey accepts the room's key", () => {
    const a = creator();
    assert.equal(a.isModeratorKey("standup", a.moderatorKey("standup")), true);
  });

  test("isModeratorKey rejects wrong, short, long, empty and missing keys without throwing", () => {
    const a = creator();
    const key = a.moderatorKey("standup");
    const flipped = (key[0] === "A" ? "B" : "A") + key.slice(1);
    for (const [what, candidate] of [
      ["another room's key", a.moderatorKey("other")],
      ["another secret's key", creator({ secret: "another-secret-of-enough-length" }).moderatorKey("standup")],
      ["one character changed", flipped],
      ["a prefix", key.slice(0, 10)],
      ["one character short", key.slice(0, -1)],
      ["one character long", key + "A"],
      ["empty", ""],
      ["undefined", undefined],
      ["same number of characters, more bytes", "é" + key.slice(1)],
    ] as const) {
      assert.equal(a.isModeratorKey("standup", candidate), false, what);
    }
  });
});

describe("MeetingCreator.create (open)", () => {
  test("without a name: a random 22-character name and its moderator key", async () => {
    const a = creator();
    const result = await a.create(undefined, undefined);
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.match(result.room, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(result.moderatorKey, a.moderatorKey(result.room));
    assert.equal(a.isModeratorKey(result.room, result.moderatorKey), true);
  });

  test("random names differ every time; null and empty names also get one", async () => {
    const a = creator();
    const rooms = new Set<string>();
    for (const name of [undefined, null, "", undefined, undefined]) {
      const result = await a.create(undefined, name);
      assert.ok(result.ok);
      rooms.add(result.room);
    }
    assert.equal(rooms.size, 5);
  });

  test("an Authorization header is ignored when creation is open", async () => {
    assert.equal((await creator().create("Bearer nonsense", undefined)).ok, true);
  });

  test("a hand-picked name is claimed for 24 hours, then free again", async () => {
    let now = 1_700_000_000_000;
    const a = creator({}, () => now);
    assert.deepEqual(await a.create(undefined, "standup"), { ok: true, room: "standup", moderatorKey: a.moderatorKey("standup") });
    now += DAY_MS - 1;
    assert.deepEqual(await a.create(undefined, "standup"), { ok: false, status: 409, error: "that name is taken; choose another" });
    assert.equal((await a.create(undefined, "standup2")).ok, true, "other names are free");
    now += 1;
    assert.deepEqual(await a.create(undefined, "standup"), { ok: true, room: "standup", moderatorKey: a.moderatorKey("standup") });
    assert.equal((await a.create(undefined, "standup")).ok, false, "and claimed again by the new creator");
  });

  test("claims are per server: another creator with the same secret does not know them", async () => {
    assert.ok((await creator().create(undefined, "standup")).ok);
    assert.ok((await creator().create(undefined, "standup")).ok);
  });

  for (const [what, name] of [
    ["a slash", "a/b"],
    ["65 characters", "x".repeat(65)],
    ["a space", "a b"],
    ["a non-ASCII letter", "café"],
    ["a number", 42],
    ["an object", { room: "x" }],
  ] as const) {
    test(`a name with ${what} is 400`, async () => {
      assert.deepEqual(await creator().create(undefined, name), {
        ok: false,
        status: 400,
        error: "meeting names have 1–64 letters, digits, '-' or '_'",
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
    const a = tokenCreator();
    const result = await a.create(`Bearer ${await jwt()}`, undefined);
    assert.equal(result.ok, true);
    if (!result.ok) return;
    assert.match(result.room, /^[A-Za-z0-9_-]{22}$/);
    assert.equal(result.moderatorKey, a.moderatorKey(result.room));
  });

  test("a valid token with a hand-picked name claims it; an invalid name is still 400", async () => {
    const a = tokenCreator();
    const header = `Bearer ${await jwt()}`;
    assert.deepEqual(await a.create(header, "board"), { ok: true, room: "board", moderatorKey: a.moderatorKey("board") });
    assert.equal((await a.create(header, "board")).ok, false);
    assert.deepEqual(await a.create(header, "a/b"), { ok: false, status: 400, error: "meeting names have 1–64 letters, digits, '-' or '_'" });
  });

  test("without a token even an invalid name is 401: authorisation comes first", async () => {
    assert.deepEqual(await tokenCreator().create(undefined, "a/b"), noToken);
  });
});
