/**
 * What the fuzzer's clients do: fast-check arbitraries for one command of
 * one actor, valid and invalid, and the frame each becomes once the
 * participant ids of the moment are known. Targets are picked by index
 * from the ids the run has seen, so a sequence replays the same way.
 */
import fc from "fast-check";
import { randomBytes } from "node:crypto";
import { ContentTopic, MAX_MESSAGE_BYTES, ModeratorAction, ModeratorActionForAll, PROTOCOL_VERSION, Reaction } from "../../../src/protocol/messages.js";
import { publisherOffer } from "../sdp.js";

/** Actor 0 is the meeting's creator (holds its owner key); the others are guests with the link. */
export const ACTORS = 4;
export const NAMES = ["Hana", "Ben", "Cem", "Dora"] as const;
/** The password a moderator may set; guests may know it. */
export const PASSWORD = "correct horse";
/** The id of the fuzzer's own pings (the barriers count up from 1 and never reach it). */
export const FUZZ_PING_ID = 2 ** 30;

/** Who a command is about: a participant the run knows (by index), everyone waiting, or an id nobody has. */
export type Target = { known: number } | "unknown";

export type Action =
  | { kind: "join"; hidden: string[]; key: boolean; password: "none" | "right" | "wrong"; publicKey: boolean }
  | { kind: "leave" }
  | { kind: "reconnect" }
  | { kind: "chat"; text: string }
  | { kind: "mediaState"; audio: boolean; video: boolean }
  | { kind: "raiseHand"; raised: boolean }
  | { kind: "react"; reaction: string }
  | { kind: "publish" | "publishScreen" | "probe"; valid: boolean }
  | { kind: "stopScreen" | "subscriberAnswer" | "probeServers" | "endMeeting" }
  | { kind: "subscribe"; targets: Target[] }
  | { kind: "trickle"; target: "publisher" | "subscriber" | "screen"; candidate: string | null }
  | { kind: "admit"; targets: Target[] | "all" }
  | { kind: "refuse"; target: Target }
  | { kind: "moderate"; target: Target; action: ModeratorAction }
  | { kind: "lock" | "allowMultipleShares" | "requireE2ee"; flag: boolean }
  | { kind: "setPassword"; password: string | null }
  | { kind: "junk"; frame: "not-json" | "oversize" | "unknown-type" | "bad-shape" | "binary"; text: string }
  // Moderator tools, the content channel and breakout rooms (added with issues 13 and 14).
  | { kind: "moderateAll"; action: string }
  | { kind: "newcomerDefaults"; muteMicrophones: boolean; cameraOff: boolean }
  | { kind: "lobbyMessage"; text: string }
  | { kind: "content"; topic: string; to: Target | "moderators" | "none"; data: "small" | "not-base64" | "too-long"; sealed: boolean }
  | { kind: "breakout"; op: "rooms" | "assignRandom" | "assign" | "open" | "close" | "settings" | "choose" | "help"; count: number; target: Target }
  | { kind: "ping" };

export interface Command {
  actor: number;
  action: Action;
}

/** The moderator-only actions, and which room setting each changes. */
export const MODERATOR_ACTIONS = new Set(["admit", "refuse", "moderate", "lock", "setPassword", "endMeeting", "allowMultipleShares", "requireE2ee", "moderateAll", "newcomerDefaults", "lobbyMessage"]);

/** Whether only a moderator may send this (a `forbidden` answers anyone else). */
export function moderatorOnly(a: Action): boolean {
  if (MODERATOR_ACTIONS.has(a.kind)) return true;
  if (a.kind === "content") return a.topic === "poll" || a.topic === "breakout";
  return a.kind === "breakout" && a.op !== "choose" && a.op !== "help";
}

/** Characters a name may hide: bidi overrides and isolates, zero-width, BOM, line separator. */
const HIDDEN = ["\u202E", "\u202D", "\u2066", "\u2069", "\u200B", "\u200D", "\uFEFF", "\u2028"];

const target: fc.Arbitrary<Target> = fc.oneof({ arbitrary: fc.nat(7).map((known) => ({ known })), weight: 5 }, { arbitrary: fc.constant("unknown" as const), weight: 1 });

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant("join" as const), hidden: fc.array(fc.constantFrom(...HIDDEN), { maxLength: 3 }), key: fc.boolean(), password: fc.constantFrom("none" as const, "right" as const, "wrong" as const), publicKey: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: "leave" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "reconnect" as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("chat" as const), text: fc.oneof(fc.string({ maxLength: 20 }), fc.constant("  "), fc.constant("x".repeat(2001))) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("mediaState" as const), audio: fc.boolean(), video: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("raiseHand" as const), raised: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("react" as const), reaction: fc.oneof(fc.constantFrom(...Reaction.options), fc.string({ maxLength: 8 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("publish" as const, "publishScreen" as const, "probe" as const), valid: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom("stopScreen" as const, "subscriberAnswer" as const, "probeServers" as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "endMeeting" as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("subscribe" as const), targets: fc.array(target, { maxLength: 3 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("trickle" as const),
      target: fc.constantFrom("publisher" as const, "subscriber" as const, "screen" as const),
      candidate: fc.constantFrom(null, "candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host", "candidate:1 1 udp 1 x.local 50000 typ host", "candidate:1 1 udp 1 127.0.0.1 22 typ host", "junk"),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant("admit" as const), targets: fc.oneof(fc.constant("all" as const), fc.array(target, { minLength: 1, maxLength: 2 })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("refuse" as const), target }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant("moderate" as const), target, action: fc.constantFrom(...ModeratorAction.options) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom("lock" as const, "allowMultipleShares" as const, "requireE2ee" as const), flag: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("setPassword" as const), password: fc.constantFrom(null, PASSWORD, "short", "") }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("moderateAll" as const), action: fc.oneof(fc.constantFrom(...ModeratorActionForAll.options), fc.constant("remove")) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("newcomerDefaults" as const), muteMicrophones: fc.boolean(), cameraOff: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("lobbyMessage" as const), text: fc.oneof(fc.string({ maxLength: 20 }), fc.constant("   "), fc.constant("x".repeat(281))) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("content" as const),
      topic: fc.oneof({ arbitrary: fc.constantFrom(...ContentTopic.options), weight: 5 }, { arbitrary: fc.constant("secret-topic"), weight: 1 }),
      to: fc.oneof(target, fc.constantFrom("moderators" as const, "none" as const)),
      data: fc.constantFrom("small" as const, "not-base64" as const, "too-long" as const),
      sealed: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("breakout" as const),
      op: fc.constantFrom("rooms" as const, "assignRandom" as const, "assign" as const, "open" as const, "close" as const, "settings" as const, "choose" as const, "help" as const),
      count: fc.integer({ min: -1, max: 51 }),
      target,
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "ping" as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("junk" as const),
      frame: fc.constantFrom("not-json" as const, "oversize" as const, "unknown-type" as const, "bad-shape" as const, "binary" as const),
      text: fc.string({ maxLength: 12 }),
    }),
  },
);

export const command: fc.Arbitrary<Command> = fc.record({ actor: fc.nat(ACTORS - 1), action });

/** A run: batches of commands, each batch sent at once (from several clients) before anyone waits. */
export const sequence = fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 16 });

/** The guests' first batch: each knocks (or, without a lobby, comes in), in their own way. */
export const arrivals: fc.Arbitrary<Command[]> = fc.tuple(
  ...[1, 2, 3].map((actor) =>
    fc.record({
      actor: fc.constant(actor),
      action: fc.record({ kind: fc.constant("join" as const), hidden: fc.array(fc.constantFrom(...HIDDEN), { maxLength: 3 }), key: fc.boolean(), password: fc.constant("none" as const), publicKey: fc.boolean() }),
    }),
  ),
);

/** What a frame needs from the run at the moment it is sent. */
export interface FrameContext {
  room: string;
  /** Participant ids the run has seen (joined, lobby entries), in order of first sight. */
  known: readonly string[];
  /** The actor's moderator key: the owner's, a promoted one it was given, or none. */
  key: string | undefined;
}

export function idOf(t: Target, known: readonly string[]): string {
  if (t === "unknown" || known.length === 0) return "nobody-has-this-id";
  return known[t.known % known.length]!;
}

/** The frame a command sends (JSON text, or raw bytes for the junk that is not JSON). */
export function frameOf({ actor, action: a }: Command, ctx: FrameContext): string | Buffer | Record<string, unknown> | undefined {
  const ids = (ts: Target[]) => [...new Set(ts.map((t) => idOf(t, ctx.known)))];
  switch (a.kind) {
    case "join": {
      const name = NAMES[actor]!;
      const hidden = a.hidden.reduce((s, c, i) => s.slice(0, i + 1) + c + s.slice(i + 1), name);
      return {
        type: "join",
        version: PROTOCOL_VERSION,
        room: ctx.room,
        name: hidden,
        ...(a.key ? { moderatorKey: ctx.key ?? "m1.bm90LWEta2V5.bm90LWEtc2lnbmF0dXJl" } : {}),
        ...(a.password === "none" ? {} : { password: a.password === "right" ? PASSWORD : "not the password" }),
        ...(a.publicKey ? { publicKey: randomBytes(65).toString("base64url") } : {}),
      };
    }
    case "leave":
    case "reconnect":
      return undefined; // done by the runner
    case "chat":
      return { type: "chat", text: a.text };
    case "mediaState":
      return { type: "mediaState", audio: a.audio, video: a.video };
    case "raiseHand":
      return { type: "raiseHand", raised: a.raised };
    case "react":
      return { type: "react", reaction: a.reaction };
    case "publish":
    case "publishScreen":
    case "probe":
      return { type: a.kind, sdp: a.valid ? publisherOffer() : "v=0\r\nnot an offer\r\n" };
    case "stopScreen":
    case "probeServers":
    case "endMeeting":
      return { type: a.kind };
    case "subscriberAnswer":
      return { type: "subscriberAnswer", sdp: "v=0\r\nnot an answer\r\n" };
    case "subscribe":
      return { type: "subscribe", participants: ids(a.targets), screens: ids(a.targets.slice(0, 1)) };
    case "trickle":
      return { type: "trickle", target: a.target, candidate: a.candidate === null ? null : { candidate: a.candidate, sdpMid: "0", sdpMLineIndex: 0 } };
    case "admit":
      return { type: "admit", participants: a.targets === "all" ? "all" : ids(a.targets) };
    case "refuse":
      return { type: "refuse", participant: idOf(a.target, ctx.known) };
    case "moderate":
      return { type: "moderate", participant: idOf(a.target, ctx.known), action: a.action };
    case "lock":
      return { type: "lock", locked: a.flag };
    case "allowMultipleShares":
      return { type: "allowMultipleShares", allowed: a.flag };
    case "requireE2ee":
      return { type: "requireE2ee", required: a.flag };
    case "setPassword":
      return { type: "setPassword", password: a.password };
    case "moderateAll":
      return { type: "moderateAll", action: a.action };
    case "newcomerDefaults":
      return { type: "newcomerDefaults", muteMicrophones: a.muteMicrophones, cameraOff: a.cameraOff };
    case "lobbyMessage":
      return { type: "lobbyMessage", text: a.text };
    case "content": {
      const data = a.data === "small" ? "aGVsbG8" : a.data === "not-base64" ? "not base64!" : "A".repeat(60_001);
      const to = a.to === "none" ? {} : { to: a.to === "moderators" ? "moderators" : idOf(a.to, ctx.known) };
      return { type: "content", topic: a.topic, ...to, data, ...(a.sealed ? { keyId: 1 } : {}) };
    }
    case "breakout":
      return breakoutFrame(a, ctx.known);
    case "ping":
      return { type: "ping", id: FUZZ_PING_ID };
    case "junk":
      switch (a.frame) {
        case "not-json":
          return `{${a.text}`;
        case "oversize":
          return JSON.stringify({ type: "chat", text: "x".repeat(MAX_MESSAGE_BYTES) });
        case "unknown-type":
          return { type: `no-such-${a.text}` };
        case "bad-shape":
          return { type: "moderate", participant: 42, action: a.text };
        case "binary":
          return Buffer.from([0xff, 0x00, 0x7b]);
      }
  }
}

/** A breakout-room request: room counts and ids in and out of range (b1…b50). */
function breakoutFrame(a: Extract<Action, { kind: "breakout" }>, known: readonly string[]): Record<string, unknown> {
  const room = a.count >= 1 && a.count <= 50 ? `b${a.count}` : `b${a.count + 100}`;
  switch (a.op) {
    case "rooms":
      return { type: "breakoutRooms", count: a.count };
    case "assignRandom":
      return { type: "breakoutAssignRandom" };
    case "assign":
      return { type: "breakoutAssign", assignments: { [idOf(a.target, known)]: a.count === 0 ? null : room } };
    case "open":
      return { type: "breakoutOpen" };
    case "close":
      return { type: "breakoutClose", countdownSeconds: Math.max(1, Math.min(30, a.count)) };
    case "settings":
      return { type: "breakoutSettings", allowChoose: a.count % 2 === 0, durationMinutes: a.count > 0 ? a.count : null };
    case "choose":
      return { type: "breakoutChoose", breakout: a.count === 0 ? null : room };
    case "help":
      return { type: "breakoutHelp" };
  }
}
