import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  ClientMessage,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  CloseCode,
  ErrorCode,
  RoomName,
  ServerMessage,
  parseClientMessage,
  type ClientMessageType,
  type ServerMessage as ServerMessageT,
} from "../../src/protocol/messages.js";
import { FINAL_CLOSE_CODES } from "../../src/protocol/constants.js";

const parse = (message: unknown) => parseClientMessage(JSON.stringify(message));

/** A valid join, with fields replaced by `change`. */
/** A well-formed E2EE public key: 65 bytes in base64url. */
const PUBLIC_KEY = "BAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

const join = (change: Record<string, unknown> = {}) => ({
  type: "join",
  version: PROTOCOL_VERSION,
  room: "team-standup_2",
  name: "Ann",
  ...change,
});

describe("parseClientMessage: valid messages", () => {
  const samples: Record<ClientMessageType, unknown> = {
    join: join({ resumeToken: "r3sum3" }),
    publish: { type: "publish", sdp: "v=0\r\n" },
    subscribe: { type: "subscribe", participants: ["p1", "p_2", "P-3"], screens: ["p1"], video: { p1: "medium" } },
    publishScreen: { type: "publishScreen", sdp: "v=0\r\n" },
    stopScreen: { type: "stopScreen" },
    subscriberAnswer: { type: "subscriberAnswer", sdp: "v=0\r\n" },
    trickle: {
      type: "trickle",
      target: "publisher",
      candidate: { candidate: "candidate:1 1 udp 2122260223 192.0.2.1 54400 typ host", sdpMid: "0", sdpMLineIndex: 0 },
    },
    mediaState: { type: "mediaState", audio: false, video: true },
    leave: { type: "leave" },
    chat: { type: "chat", text: "Hello, everyone" },
    sealedChat: { type: "sealedChat", keyId: 3, sealed: "c2VhbGVk_-" },
    content: { type: "content", topic: "whiteboard", to: "moderators", data: "c2VhbGVk_-", keyId: 3 },
    e2eeKeys: { type: "e2eeKeys", keyId: 255, sealed: { p1: "c2VhbGVk_-", "p-2": "YQ" } },
    requireE2ee: { type: "requireE2ee", required: true },
    raiseHand: { type: "raiseHand", raised: true },
    react: { type: "react", reaction: "thumbs-up" },
    admit: { type: "admit", participants: ["p1", "p2"] },
    refuse: { type: "refuse", participant: "p1" },
    moderate: { type: "moderate", participant: "p1", action: "mute-audio" },
    lock: { type: "lock", locked: true },
    setPassword: { type: "setPassword", password: "open sesame" },
    endMeeting: { type: "endMeeting" },
    allowMultipleShares: { type: "allowMultipleShares", allowed: true },
    moderateAll: { type: "moderateAll", action: "mute-audio" },
    newcomerDefaults: { type: "newcomerDefaults", muteMicrophones: true, cameraOff: false },
    lobbyMessage: { type: "lobbyMessage", text: "Five more minutes, please" },
    probeServers: { type: "probeServers" },
    probe: { type: "probe", sdp: "v=0\r\n" },
    ping: { type: "ping", id: 7 },
    // Breakout rooms
    breakoutRooms: { type: "breakoutRooms", count: 3 },
    breakoutAssign: { type: "breakoutAssign", assignments: { p1: "b1", p2: null } },
    breakoutAssignRandom: { type: "breakoutAssignRandom" },
    breakoutSettings: { type: "breakoutSettings", allowChoose: true, durationMinutes: 15 },
    breakoutOpen: { type: "breakoutOpen" },
    breakoutClose: { type: "breakoutClose", countdownSeconds: 30 },
    breakoutChoose: { type: "breakoutChoose", breakout: "b2" },
    breakoutHelp: { type: "breakoutHelp" },
    // recording (issue 16)
    record: { type: "record", on: true },
    meetingNotice: { type: "meetingNotice", room: "team-standup_2" },
    // video consultation
    consultWait: { type: "consultWait", code: "12345678", name: "Ann", checked: true, e2ee: true },
    consultStaff: { type: "consultStaff" },
    consultCall: { type: "consultCall", patient: "p1" },
    consultSignal: { type: "consultSignal", description: { type: "offer", sdp: "v=0\r\n" } },
    consultKey: { type: "consultKey", publicKey: "B".repeat(87) },
    consultHangUp: { type: "consultHangUp" },
    consultNotice: { type: "consultNotice", patient: "p1", text: "Wir sind gleich bei Ihnen" },
    consultTurnAway: { type: "consultTurnAway", patient: "p1" },
    consultHold: { type: "consultHold" },
    consultInvite: { type: "consultInvite" },
    consultGuest: { type: "consultGuest", code: "AbC_123-xyz" },
    consultRemoveGuest: { type: "consultRemoveGuest" },
  };

  test("the samples cover every client message type", () => {
    const types = ClientMessage.options.map((o) => o.shape.type.value).sort();
    assert.deepEqual(Object.keys(samples).sort(), types);
  });

  for (const [type, sample] of Object.entries(samples)) {
    test(`${type} is accepted unchanged`, () => {
      assert.deepEqual(parse(sample), { ok: true, message: sample });
    });
  }

  test("join without resumeToken is accepted", () => {
    assert.deepEqual(parse(join()), { ok: true, message: join() });
  });

  test("join with an E2EE public key is accepted", () => {
    const message = join({ publicKey: PUBLIC_KEY });
    assert.deepEqual(parse(message), { ok: true, message });
  });

  test("join with a public key of the wrong length or alphabet is a bad-message naming publicKey", () => {
    for (const publicKey of [PUBLIC_KEY.slice(1), `${PUBLIC_KEY}A`, `${PUBLIC_KEY.slice(1)}+`, 42]) {
      const result = parse(join({ publicKey }));
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.message : "", /publicKey/);
    }
  });

  test("sealed data must be base64url and bounded: keys 256 characters for 1 to 500 participants, chat 12000 characters", () => {
    const bad = [
      { type: "e2eeKeys", keyId: 0, sealed: { p1: "a".repeat(257) } },
      { type: "e2eeKeys", keyId: 0, sealed: { p1: "not base64!" } },
      { type: "e2eeKeys", keyId: 256, sealed: { p1: "abc" } },
      { type: "e2eeKeys", keyId: 0, sealed: { p1: "" } },
      { type: "e2eeKeys", keyId: 0, sealed: {} },
      { type: "e2eeKeys", keyId: 0, sealed: { "not an id!": "abc" } },
      { type: "e2eeKeys", keyId: 0, sealed: Object.fromEntries(Array.from({ length: 501 }, (_, i) => [`p${i}`, "abc"])) },
      { type: "sealedChat", keyId: 0, sealed: "a".repeat(12_001) },
      { type: "sealedChat", keyId: -1, sealed: "abc" },
      { type: "content", topic: "notes", data: "a".repeat(60_001) },
      { type: "content", topic: "secrets", data: "abc" },
      { type: "content", topic: "notes", to: "not an id!", data: "abc" },
    ];
    for (const message of bad) assert.equal(parse(message).ok, false, JSON.stringify(message).slice(0, 80));
  });

  test("join with a moderator key and a password is accepted", () => {
    const message = join({ moderatorKey: "m1.eyJyIjoiYSJ9.k", password: "open sesame" });
    assert.deepEqual(parse(message), { ok: true, message });
  });

  test("admit accepts \"all\"", () => {
    const message = { type: "admit", participants: "all" };
    assert.deepEqual(parse(message), { ok: true, message });
  });

  test("setPassword accepts null (removes the password)", () => {
    const message = { type: "setPassword", password: null };
    assert.deepEqual(parse(message), { ok: true, message });
  });

  for (const action of ["mute-audio", "stop-video", "remove", "make-moderator", "lower-hand"]) {
    test(`moderate accepts the action ${action}`, () => {
      const message = { type: "moderate", participant: "p1", action };
      assert.deepEqual(parse(message), { ok: true, message });
    });
  }

  test("lock accepts false (unlock)", () => {
    assert.deepEqual(parse({ type: "lock", locked: false }), { ok: true, message: { type: "lock", locked: false } });
  });

  test("chat text is trimmed; 2000 characters are fine", () => {
    assert.deepEqual(parse({ type: "chat", text: "  hi \n" }), { ok: true, message: { type: "chat", text: "hi" } });
    const long = "c".repeat(2000);
    assert.deepEqual(parse({ type: "chat", text: ` ${long} ` }), { ok: true, message: { type: "chat", text: long } });
  });

  test("trickle accepts a null candidate (end of gathering) and the subscriber target", () => {
    const message = { type: "trickle", target: "subscriber", candidate: null };
    assert.deepEqual(parse(message), { ok: true, message });
  });

  test("trickle accepts null sdpMid and sdpMLineIndex", () => {
    const message = { type: "trickle", target: "subscriber", candidate: { candidate: "", sdpMid: null, sdpMLineIndex: null } };
    assert.deepEqual(parse(message), { ok: true, message });
  });

  test("subscribe accepts an empty list (unsubscribe from everyone)", () => {
    assert.deepEqual(parse({ type: "subscribe", participants: [], screens: [] }), {
      ok: true,
      message: { type: "subscribe", participants: [], screens: [], video: {} },
    });
  });

  test("subscribe without screens subscribes to no screen", () => {
    assert.deepEqual(parse({ type: "subscribe", participants: ["p1"] }), {
      ok: true,
      message: { type: "subscribe", participants: ["p1"], screens: [], video: {} },
    });
  });

  test("subscribe says per camera how much video to receive; anything else is refused", () => {
    const message = { type: "subscribe", participants: ["p1", "p2"], screens: [], video: { p1: "low", p2: "off" } };
    assert.deepEqual(parse(message), { ok: true, message });
    const bad = parse({ type: "subscribe", participants: ["p1"], video: { p1: "huge" } });
    assert.equal(bad.ok, false);
  });

  test("trickle accepts the screen target", () => {
    const message = { type: "trickle", target: "screen", candidate: null };
    assert.deepEqual(parse(message), { ok: true, message });
  });

  test("fields the protocol does not have are dropped", () => {
    assert.deepEqual(parse({ type: "leave", extra: 1 }), { ok: true, message: { type: "leave" } });
  });
});

describe("parseClientMessage: errors", () => {
  for (const raw of ["{type: join}", "", '{"type":"join"', "undefined", "{\"type\":\"leave\"}}"]) {
    test(`${JSON.stringify(raw)} is bad-json`, () => {
      assert.deepEqual(parseClientMessage(raw), { ok: false, code: "bad-json", message: "the message is not valid JSON" });
    });
  }

  const noType = { ok: false, code: "bad-message", message: "a message needs a string field 'type'" };
  for (const raw of ["{}", '{"type":7}', '{"type":null}', "null", "[]", '"join"', "42"]) {
    test(`${raw} (no string type) is bad-message without inReplyTo`, () => {
      assert.deepEqual(parseClientMessage(raw), noType);
    });
  }

  test("an unknown type is unknown-type", () => {
    assert.deepEqual(parse({ type: "kick" }), { ok: false, code: "unknown-type", message: "unknown message type 'kick'" });
  });

  test("inherited object properties are not message types", () => {
    assert.equal((parse({ type: "toString" }) as { code: string }).code, "unknown-type");
    assert.equal((parse({ type: "__proto__" }) as { code: string }).code, "unknown-type");
  });

  const wrongVersion = {
    ok: false,
    code: "unsupported-version",
    message: `this server speaks protocol version ${PROTOCOL_VERSION}; reload the page`,
    inReplyTo: "join",
  };
  for (const [what, version] of [
    ["missing", undefined],
    ["the next one", PROTOCOL_VERSION + 1],
    ["a string", String(PROTOCOL_VERSION)],
    ["not an integer", PROTOCOL_VERSION + 0.5],
  ] as const) {
    test(`join with a version that is ${what} is unsupported-version`, () => {
      assert.deepEqual(parse(join({ version })), wrongVersion);
    });
  }

  test("the version is checked before the rest of join", () => {
    assert.deepEqual(parse({ type: "join", version: PROTOCOL_VERSION + 1, name: 5 }), wrongVersion);
  });

  test("an unknown type is cut to 40 characters in the error", () => {
    const result = parse({ type: "x".repeat(100) });
    assert.deepEqual(result, { ok: false, code: "unknown-type", message: `unknown message type '${"x".repeat(40)}'` });
  });

  const wrongFields: [string, unknown, string][] = [
    ["join.name is a number", join({ name: 5 }), "name"],
    ["join.resumeToken is too long", join({ resumeToken: "t".repeat(129) }), "resumeToken"],
    ["publish.sdp is empty", { type: "publish", sdp: "" }, "sdp"],
    ["subscribe.participants is not an array", { type: "subscribe", participants: "p1" }, "participants"],
    ["subscribe has an invalid participant id", { type: "subscribe", participants: ["ok", "no/slash"] }, "participants.1"],
    ["subscribe lists more than 500 ids", { type: "subscribe", participants: Array(501).fill("p") }, "participants"],
    ["trickle.target is foo", { type: "trickle", target: "foo", candidate: null }, "target"],
    ["trickle.candidate is missing", { type: "trickle", target: "publisher" }, "candidate"],
    ["mediaState.audio is a string", { type: "mediaState", audio: "on", video: true }, "audio"],
    ["subscriberAnswer has no sdp", { type: "subscriberAnswer" }, "sdp"],
    ["join.moderatorKey is too long", join({ moderatorKey: "k".repeat(513) }), "moderatorKey"],
    ["join.moderatorKey has characters no key has", join({ moderatorKey: "m1.a b.c" }), "moderatorKey"],
    ["join.password is too long", join({ password: "p".repeat(257) }), "password"],
    ["chat.text is empty", { type: "chat", text: "" }, "text"],
    ["chat.text is only whitespace", { type: "chat", text: " \n\t " }, "text"],
    ["chat.text has 2001 characters", { type: "chat", text: "c".repeat(2001) }, "text"],
    ["chat.text is missing", { type: "chat" }, "text"],
    ["admit.participants is an empty list", { type: "admit", participants: [] }, "participants"],
    ["admit.participants is some other word", { type: "admit", participants: "everyone" }, "participants"],
    ["admit lists more than 500 ids", { type: "admit", participants: Array(501).fill("p") }, "participants"],
    ["refuse has an invalid participant id", { type: "refuse", participant: "no/slash" }, "participant"],
    ["moderate.action is unknown", { type: "moderate", participant: "p1", action: "ban" }, "action"],
    ["moderate.participant is missing", { type: "moderate", action: "remove" }, "participant"],
    ["lock.locked is a string", { type: "lock", locked: "yes" }, "locked"],
    ["setPassword.password is too short (7 characters)", { type: "setPassword", password: "abcdefg" }, "password"],
    ["setPassword.password is too long", { type: "setPassword", password: "p".repeat(257) }, "password"],
    ["setPassword.password is missing", { type: "setPassword" }, "password"],
    ["probe.sdp is empty", { type: "probe", sdp: "" }, "sdp"],
  ];
  for (const [what, message, field] of wrongFields) {
    test(`bad-message when ${what}, naming '${field}' and replying to the type`, () => {
      const result = parse(message);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.code, "bad-message");
      assert.equal(result.inReplyTo, (message as { type: string }).type);
      assert.ok(result.message.startsWith(`${field}: `), result.message);
    });
  }
});

describe("parseClientMessage: size limit", () => {
  // {"type":"publish","sdp":""} is 27 bytes; the sdp fills the rest.
  const publishOfBytes = (bytes: number, char = "x") => {
    const envelope = JSON.stringify({ type: "publish", sdp: "" }).length;
    const charBytes = Buffer.byteLength(char);
    assert.equal((bytes - envelope) % charBytes, 0, "test setup: size must fit the character");
    return JSON.stringify({ type: "publish", sdp: char.repeat((bytes - envelope) / charBytes) });
  };
  const tooLarge = { ok: false, code: "too-large", message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` };

  test("a message of exactly MAX_MESSAGE_BYTES is accepted", () => {
    const raw = publishOfBytes(MAX_MESSAGE_BYTES);
    assert.equal(Buffer.byteLength(raw), MAX_MESSAGE_BYTES);
    assert.equal(parseClientMessage(raw).ok, true);
  });

  test("one byte more is too-large", () => {
    assert.deepEqual(parseClientMessage(publishOfBytes(MAX_MESSAGE_BYTES + 1)), tooLarge);
  });

  test("size is checked before parsing: oversized non-JSON is too-large, not bad-json", () => {
    assert.deepEqual(parseClientMessage("{".repeat(MAX_MESSAGE_BYTES + 1)), tooLarge);
  });

  test("bytes count, not characters: 2-byte characters under the character limit are too-large", () => {
    const raw = JSON.stringify({ type: "publish", sdp: "é".repeat(40_000) });
    assert.ok(raw.length < MAX_MESSAGE_BYTES);
    assert.ok(Buffer.byteLength(raw) > MAX_MESSAGE_BYTES);
    assert.deepEqual(parseClientMessage(raw), tooLarge);
  });

  test("3-byte characters: exactly at the limit passes, one character more does not", () => {
    // 65536 - 27 = 65509 is not a multiple of 3, so pad with ASCII first.
    const envelope = JSON.stringify({ type: "publish", sdp: "" }).length;
    const euros = Math.floor((MAX_MESSAGE_BYTES - envelope) / 3);
    const pad = "x".repeat(MAX_MESSAGE_BYTES - envelope - euros * 3);
    const at = JSON.stringify({ type: "publish", sdp: pad + "€".repeat(euros) });
    assert.equal(Buffer.byteLength(at), MAX_MESSAGE_BYTES);
    assert.equal(parseClientMessage(at).ok, true);
    const over = JSON.stringify({ type: "publish", sdp: pad + "€".repeat(euros + 1) });
    assert.deepEqual(parseClientMessage(over), tooLarge);
  });

  test("4-byte characters (surrogate pairs) count as 4 bytes", () => {
    const raw = JSON.stringify({ type: "publish", sdp: "😀".repeat(16_384) }); // 65536 bytes of emoji alone
    assert.ok(raw.length < MAX_MESSAGE_BYTES);
    assert.deepEqual(parseClientMessage(raw), tooLarge);
  });
});

describe("display names", () => {
  const nameOf = (name: string) => {
    const result = parse(join({ name }));
    return result.ok && result.message.type === "join" ? result.message.name : result;
  };

  test("are trimmed", () => {
    assert.equal(nameOf("  Ann Lee \t"), "Ann Lee");
    assert.equal(nameOf("\n Ann"), "Ann");
  });

  test("keep non-ASCII letters", () => {
    assert.equal(nameOf("Jürgen Ölçek 李"), "Jürgen Ölçek 李");
  });

  test("64 characters are fine, 65 are not (counted after trimming)", () => {
    assert.equal(nameOf("n".repeat(64)), "n".repeat(64));
    assert.equal(nameOf(` ${"n".repeat(64)} `), "n".repeat(64));
    assert.deepEqual(nameOf("n".repeat(65)), {
      ok: false,
      code: "bad-message",
      message: "name: names have at most 64 characters",
      inReplyTo: "join",
    });
  });

  for (const name of ["", "   ", "\t\n"]) {
    test(`${JSON.stringify(name)} is rejected as empty`, () => {
      assert.deepEqual(nameOf(name), {
        ok: false,
        code: "bad-message",
        message: "name: a name is required",
        inReplyTo: "join",
      });
    });
  }

  for (const name of ["Ann\nLee", "Ann\u0000", "A\u0007nn", "Ann\u001bLee", "Ann\u007fLee", "A\tB"]) {
    test(`${JSON.stringify(name)} is rejected for its control character`, () => {
      assert.deepEqual(nameOf(name), {
        ok: false,
        code: "bad-message",
        message: "name: names may not contain control characters",
        inReplyTo: "join",
      });
    });
  }

  test("are normalised to NFC: a decomposed é and a composed one are the same name", () => {
    assert.equal(nameOf("Rene\u0301"), "Ren\u00e9");
  });

  test("lose bidi overrides, isolates and zero-width characters (the name reads as it is)", () => {
    assert.equal(nameOf("Ann\u202eLee"), "AnnLee", "right-to-left override");
    assert.equal(nameOf("\u2066Ann\u2069"), "Ann", "isolates");
    assert.equal(nameOf("A\u200bn\u200dn\ufeff"), "Ann", "zero-width space, joiner, BOM");
    assert.equal(nameOf("Ann\u2028Lee"), "AnnLee", "line separator");
  });

  test("runs of spaces (any kind) become one; a name of only hidden characters is empty", () => {
    assert.equal(nameOf("Ann \u00a0\u3000 Lee"), "Ann Lee");
    assert.equal((parse(join({ name: "\u200b\u202e" })) as { message?: string }).message, "name: a name is required");
  });

  test("a name far beyond 64 characters is refused before it is normalised", () => {
    assert.equal((parse(join({ name: "\u200b".repeat(2000) })) as { code?: string }).code, "bad-message");
  });

  test(
    "C1 control characters (U+0080–U+009F) are rejected too",
    () => {
      for (const name of ["Ann\u0085Lee", "Ann\u009bLee", "\u0080Ann"]) {
        assert.equal((parse(join({ name })) as { code?: string }).code, "bad-message", JSON.stringify(name));
      }
    },
  );
});

describe("room names", () => {
  for (const room of ["a", "Team-Standup_2", "A".repeat(64), "AbCdEfGhIjKlMnOpQrStUv"]) {
    test(`${room.length > 30 ? `${room.length} characters` : room} is valid`, () => {
      assert.equal(RoomName.safeParse(room).success, true);
      assert.deepEqual(parse(join({ room })), { ok: true, message: join({ room }) });
    });
  }

  for (const [what, room] of [
    ["65 characters", "A".repeat(65)],
    ["a slash", "a/b"],
    ["empty", ""],
    ["a dot", "a.b"],
    ["a space", "a b"],
    ["a trailing newline", "abc\n"],
    ["a non-ASCII letter", "café"],
  ]) {
    test(`${what} is invalid`, () => {
      assert.equal(RoomName.safeParse(room).success, false);
      assert.deepEqual(parse(join({ room })), {
        ok: false,
        code: "bad-message",
        message: "room: room names have 1–64 letters, digits, '-' or '_'",
        inReplyTo: "join",
      });
    });
  }
});

describe("ServerMessage schemas", () => {
  const participant = {
    id: "p1",
    name: "Ann",
    role: "participant" as const,
    audio: true,
    video: false,
    publishing: true,
    screen: false,
    hand: null,
    publicKey: null,
  };
  const samples: ServerMessageT[] = [
    { type: "welcome", version: PROTOCOL_VERSION, mediaOffByDefault: false, e2ee: true },
    { type: "welcome", version: PROTOCOL_VERSION, mediaOffByDefault: true, e2ee: false },
    { type: "joined", participantId: "p2", role: "participant", resumeToken: "tok", participants: [participant], iceServers: [] },
    {
      type: "joined",
      participantId: "p3",
      role: "moderator",
      moderatorKey: "m1.key.sig",
      resumeToken: "tok",
      participants: [participant, { ...participant, id: "p2", role: "moderator" }],
      iceServers: [{ urls: ["turn:turn.example.org:3478"], username: "u", credential: "c" }, { urls: ["stun:s"] }],
    },
    { type: "lobbyJoined", entry: { id: "p4", name: "Dia", e2ee: true } },
    { type: "lobbyLeft", participantId: "p4" },
    { type: "probeServers", iceServers: [] },
    { type: "pong", id: 3 },
    { type: "lobby", hostPresent: false },
    { type: "lobby", hostPresent: true },
    { type: "participantJoined", participant },
    { type: "participantUpdated", participant },
    { type: "participantLeft", participantId: "p1" },
    { type: "roleChanged", role: "moderator", moderatorKey: "m1.key.sig" },
    { type: "roleChanged", role: "participant" },
    { type: "lobbyChanged", waiting: [{ id: "p4", name: "Dia", e2ee: false }] },
    { type: "lobbyChanged", waiting: [] },
    { type: "roomState", locked: true, passwordSet: false, multipleShares: false, e2eeRequired: true },
    { type: "participantJoined", participant: { ...participant, publicKey: PUBLIC_KEY } },
    { type: "sealedChat", from: "p1", name: "Ann", keyId: 0, sealed: "c2VhbGVk", at: 1_700_000_000_000 },
    { type: "content", from: "p1", topic: "notes", data: "c2VhbGVk", keyId: 0, at: 1_700_000_000_000 },
    { type: "e2eeKey", from: "p1", keyId: 7, sealed: "c2VhbGVk" },
    { type: "moderated", action: "mute-audio" },
    { type: "videoLayers", highest: "medium" },
    { type: "moderated", action: "stop-video" },
    { type: "moderated", action: "stop-screen" },
    { type: "moderated", action: "ask-unmute" },
    { type: "newcomerDefaults", muteMicrophones: true, cameraOff: true },
    { type: "lobbyMessage", text: "Five more minutes, please", at: 1_700_000_000_000 },
    { type: "participantUpdated", participant: { ...participant, hand: 3, screen: true } },
    { type: "reaction", from: "p1", reaction: "clap" },
    { type: "chat", from: "p1", name: "Ann", text: "Hello", at: 1_700_000_000_000 },
    { type: "farewell", reason: "refused" },
    { type: "farewell", reason: "removed" },
    { type: "farewell", reason: "ended" },
    { type: "probeAnswer", sdp: "v=0\r\n" },
    { type: "publisherAnswer", sdp: "v=0\r\n" },
    {
      type: "subscriberOffer",
      sdp: "v=0\r\n",
      streams: [
        { mid: "0", participantId: "p1", kind: "audio", source: "camera" },
        { mid: "2", participantId: "p1", kind: "video", source: "screen" },
      ],
    },
    { type: "screenAnswer", sdp: "v=0\r\n" },
    // Breakout rooms
    { type: "breakouts", rooms: ["b1", "b2"], assignments: { p1: "b2" }, allowChoose: false, durationMinutes: 15, phase: "open", endsAt: 1_700_000_900_000, now: 1_700_000_000_000 },
    { type: "breakoutHelp", from: "p1", breakout: "b2" },
    // Recording (issue 16)
    { type: "recording", by: "p1" },
    { type: "recording", by: null },
    { type: "meetingNotice", recording: true },
    { type: "content", from: "p1", topic: "recordingConsent", to: "p2", data: "c2VhbGVk", keyId: 3, at: 1_700_000_000_000 },
    { type: "error", code: "not-joined", message: "join first", inReplyTo: "publish" },
    { type: "error", code: "internal", message: "oops" },
    { type: "error", code: "forbidden", message: "only moderators may do that", inReplyTo: "admit" },
    { type: "error", code: "locked", message: "this meeting is locked", inReplyTo: "join" },
    { type: "error", code: "password-required", message: "password", inReplyTo: "join" },
    { type: "error", code: "wrong-password", message: "wrong", inReplyTo: "join" },
    { type: "error", code: "too-many-attempts", message: "wait", inReplyTo: "join" },
    { type: "error", code: "media-unavailable", message: "retry", inReplyTo: "probe" },
    // video consultation
    { type: "consultWaiting", practice: "Praxis Muster", position: 2 },
    { type: "consultQueue", patients: [{ id: "p1", label: "Frau M.", name: "", startsAt: 1, since: 2, checked: true, e2ee: true }] },
    { type: "consultConnect", offerer: true, iceServers: [], other: "Frau M." },
    { type: "consultSignal", candidate: null },
    { type: "consultKey", keyId: 3, sealed: "c2VhbGVk" },
    { type: "consultEnded" },
    { type: "consultNotice", text: "Wir sind gleich bei Ihnen" },
    { type: "consultHeld" },
    { type: "consultInvitation", token: "AbC_123-xyz-0123456789", expiresAt: 1_800_000_000_000 },
    { type: "consultRoom", room: "consult-AbC_123-xyz-0123456789", key: "m1.abc.def" },
    { type: "error", code: "appointment-invalid", message: "not valid", inReplyTo: "consultWait" },
  ];

  test("the samples cover every server message type", () => {
    const types = new Set(ServerMessage.options.map((o) => o.shape.type.value));
    assert.deepEqual(new Set(samples.map((s) => s.type)), types);
  });

  for (const sample of samples) {
    test(`accepts a ${sample.type} sample unchanged`, () => {
      assert.deepEqual(ServerMessage.parse(sample), sample);
    });
  }

  test("rejects an error with a code the protocol does not have", () => {
    assert.equal(ServerMessage.safeParse({ type: "error", code: "teapot", message: "" }).success, false);
  });

  test("rejects a participant without its media flags", () => {
    const result = ServerMessage.safeParse({
      type: "participantJoined",
      participant: { id: "p1", name: "Ann", role: "participant", hand: null },
    });
    assert.equal(result.success, false);
  });

  test("rejects a participant without a role, or with a role the protocol does not have", () => {
    const { role: _role, ...roleless } = participant;
    assert.equal(ServerMessage.safeParse({ type: "participantJoined", participant: roleless }).success, false);
    const owner = { ...participant, role: "owner" };
    assert.equal(ServerMessage.safeParse({ type: "participantJoined", participant: owner }).success, false);
  });

  test("rejects joined without a role", () => {
    const result = ServerMessage.safeParse({ type: "joined", participantId: "p2", resumeToken: "tok", participants: [] });
    assert.equal(result.success, false);
  });

  test("rejects a farewell with a reason the protocol does not have, and moderated with a non-media action", () => {
    assert.equal(ServerMessage.safeParse({ type: "farewell", reason: "bored" }).success, false);
    assert.equal(ServerMessage.safeParse({ type: "moderated", action: "remove" }).success, false);
  });

  test("the error codes include those of the lobby and moderation, and every code is accepted", () => {
    for (const code of ["forbidden", "locked", "password-required", "wrong-password", "too-many-attempts", "media-unavailable", "screen-busy"]) {
      assert.ok((ErrorCode.options as readonly string[]).includes(code), code);
    }
    for (const code of ErrorCode.options) {
      assert.equal(ServerMessage.safeParse({ type: "error", code, message: "m" }).success, true, code);
    }
  });
});

describe("constants", () => {
  test("Treff's own close codes are in the private range; the final ones are exactly replaced, farewell and abuse", () => {
    const own = Object.values(CloseCode).filter((code) => code >= 4000);
    assert.ok(own.every((code) => code < 5000));
    assert.deepEqual(CloseCode, { normal: 1000, goingAway: 1001, mediaRestart: 1012, tryAgainLater: 1013, reconnect: 4000, replaced: 4001, farewell: 4003, abuse: 4008 });
    assert.deepEqual([...FINAL_CLOSE_CODES].sort(), [4001, 4003, 4008]);
  });
});
