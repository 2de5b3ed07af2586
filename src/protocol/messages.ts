/**
 * The whole Treff signaling protocol: every message that travels over the
 * WebSocket between a browser and the Treff server, in both directions.
 *
 * Each message is declared once as a zod schema; its TypeScript type is
 * inferred from the schema, so server validation and client typing can never
 * drift apart. docs/protocol.md describes each message with a JSON example.
 *
 * Messages are JSON objects with a `type` discriminator. The client starts
 * with `join` (which carries PROTOCOL_VERSION); everything else is only
 * accepted after the server answered `joined`.
 */
import { z } from "zod";
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION } from "./constants.js";
import {
  ChatText,
  CONTENT_DATA_MAX,
  ContentRecipient,
  ContentTopic,
  DisplayName,
  IceCandidate,
  IceServer,
  KeyId,
  ModeratorKey,
  Participant,
  ParticipantId,
  PeerConnectionRole,
  PublicKey,
  Reaction,
  Role,
  RoomName,
  Sdp,
  Sealed,
  VideoQuality,
} from "./values.js";
import { consultationClientMessages, consultationServerMessages } from "./consultation.js";
import { BreakoutClientMessages, BreakoutServerMessages } from "./breakout-messages.js";
import { ModeratorClientMessages, ModeratorServerMessages } from "./moderator-messages.js";
import { RecordingClientMessages, RecordingServerMessages } from "./recording-messages.js";

export { CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ROOM_NAME_PATTERN, SIGNALING_PATH } from "./constants.js";
export * from "./values.js";
export * from "./consultation.js";
export { BreakoutId } from "./breakout-messages.js";

// ---------------------------------------------------------------------------
// Client -> server

export const ClientMessage = z.discriminatedUnion("type", [
  /** Enter a room. Nothing else is accepted before it. */
  z.object({
    type: z.literal("join"),
    version: z.number().int(),
    room: RoomName,
    name: DisplayName,
    /**
     * From an earlier `joined`: if that participant is still in the room (its old
     * connection has not closed yet, e.g. a silent network drop), this connection
     * takes over its id and the old one is closed with 4001.
     */
    resumeToken: z.string().max(128).optional(),
    /** A moderator key (from the moderator link, or kept from an earlier `joined`): join as moderator, past the lobby. */
    moderatorKey: ModeratorKey.optional(),
    /** The meeting password, when a moderator set one. */
    password: z.string().max(256).optional(),
    /** This browser's E2EE identity key; left out when it cannot encrypt end to end. */
    publicKey: PublicKey.optional(),
  }),
  /** Start publishing: an SDP offer for the publisher peer connection. */
  z.object({ type: z.literal("publish"), sdp: Sdp }),
  /**
   * The complete set of participants whose media this client wants to
   * receive. The server adds and removes streams on the one subscriber
   * peer connection to match, and sends a `subscriberOffer` when it changes.
   */
  z.object({
    type: z.literal("subscribe"),
    participants: z.array(ParticipantId).max(500),
    /** Whose shared screens to receive as well (default: none). */
    screens: z.array(ParticipantId).max(500).default([]),
    /**
     * How much of each participant's camera to receive: "off" (audio only: the tile is
     * not on screen), or the simulcast layer that fits the tile. Unlisted: "high".
     */
    video: z
      .record(ParticipantId, VideoQuality)
      .refine((r) => Object.keys(r).length <= 500, "at most 500 entries")
      .default({}),
  }),
  /** Start sharing the screen: an SDP offer for a third peer connection (video only). */
  z.object({ type: z.literal("publishScreen"), sdp: Sdp }),
  /** Stop sharing the screen. */
  z.object({ type: z.literal("stopScreen") }),
  /** The SDP answer to the latest `subscriberOffer`. */
  z.object({ type: z.literal("subscriberAnswer"), sdp: Sdp }),
  /** A trickled ICE candidate; `null` means gathering is complete. */
  z.object({ type: z.literal("trickle"), target: PeerConnectionRole, candidate: IceCandidate.nullable() }),
  /** The sender switched their microphone or camera on or off. */
  z.object({ type: z.literal("mediaState"), audio: z.boolean(), video: z.boolean() }),
  /** Leave the room for good (closing the socket does the same). */
  z.object({ type: z.literal("leave") }),
  /** A message to everyone in the meeting. Relayed, never stored. */
  z.object({ type: z.literal("chat"), text: ChatText }),
  /** A chat message encrypted end to end with the sender's key `keyId` (docs/e2ee.md). Relayed, never stored. */
  z.object({ type: z.literal("sealedChat"), keyId: KeyId, sealed: Sealed(12_000) }),
  /**
   * One of the sender's media keys, sealed separately for each participant it is for
   * (participant id → sealed key). Each gets their own as `e2eeKey`; never stored.
   */
  z.object({
    type: z.literal("e2eeKeys"),
    keyId: KeyId,
    sealed: z
      .record(ParticipantId, Sealed(256))
      .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 500, "1 to 500 participants"),
  }),
  /**
   * Something participants create together, for everyone else in the meeting or only `to`; sealed
   * with the sender's key `keyId` when the page encrypts (docs/e2ee.md). Relayed, never stored.
   */
  z.object({ type: z.literal("content"), topic: ContentTopic, to: ContentRecipient.optional(), data: Sealed(CONTENT_DATA_MAX), keyId: KeyId.optional() }),
  /** Raise or lower one's hand. */
  z.object({ type: z.literal("raiseHand"), raised: z.boolean() }),
  /** Show a reaction briefly to everyone. */
  z.object({ type: z.literal("react"), reaction: Reaction }),

  // Moderators only (moderator-messages.ts): anyone else gets `forbidden` and nothing happens.
  ...ModeratorClientMessages,

  // Breakout rooms (breakout-messages.ts).
  ...BreakoutClientMessages,
  // Recording with consent, issue 16 (recording-messages.ts).
  ...RecordingClientMessages,

  /**
   * The connectivity check (/check), step one: asks for the STUN/TURN servers to test with
   * (answered by `probeServers`). Allowed without `join`; limited per address.
   */
  z.object({ type: z.literal("probeServers") }),
  /**
   * The connectivity check, step two: an SDP offer for a short test connection to the
   * media server. Allowed without `join`; one at a time; it ends when the socket closes.
   */
  z.object({ type: z.literal("probe"), sdp: Sdp }),
  /**
   * A round-trip barrier: answered with `pong` (same `id`) once every message this connection
   * sent before it has been handled, so whatever those messages caused has been sent first.
   */
  z.object({ type: z.literal("ping"), id: z.number().int().min(0).max(2 ** 31) }),

  // Video consultation (docs/consultation.md): patient queue and direct calls, in consultation.ts.
  ...consultationClientMessages,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
/** A client message as a client writes it (fields with defaults may be left out). */
export type ClientMessageInput = z.input<typeof ClientMessage>;
export type ClientMessageType = ClientMessage["type"];

// ---------------------------------------------------------------------------
// Server -> client

/** Every error the server can report; `message` adds a human-readable detail. */
export const ErrorCode = z.enum([
  "bad-json", // not parseable JSON
  "bad-message", // JSON, but not a valid message (wrong types, missing fields)
  "unknown-type", // a `type` this protocol does not have
  "too-large", // over MAX_MESSAGE_BYTES
  "rate-limited", // too many messages; the connection closes if it goes on
  "unsupported-version", // `join.version` is not PROTOCOL_VERSION
  "not-joined", // a message that needs a room before `join`
  "already-joined", // a second `join` on the same connection
  "unknown-participant", // a participant id that is not in the sender's room
  "out-of-order", // e.g. `subscriberAnswer` when no offer is outstanding
  "forbidden", // a moderator message from someone who is not a moderator
  "screen-busy", // someone else is sharing their screen already
  "locked", // the meeting is locked: no new knocks
  "password-required", // the meeting has a password and `join` gave none
  "wrong-password", // the password in `join` is not the meeting's
  "too-many-attempts", // too many wrong passwords from this address; wait a minute
  "e2ee-required", // the meeting admits only browsers that encrypt end to end
  "lobby-full", // too many people wait in this meeting's lobby; try again later
  "server-busy", // the server holds as many meetings, connections or checks as it may; try again later
  "media-unavailable", // the media server is down or refused; retry later
  "internal", // a bug; the message was dropped and nothing else changed
  // Video consultation:
  "appointment-invalid", // no such appointment code, or it expired, was used or is in use
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** How the server identifies a stream inside the subscriber peer connection. */
export const SubscribedStream = z.object({
  /** The transceiver's mid in the subscriber peer connection. */
  mid: z.string(),
  participantId: ParticipantId,
  kind: z.enum(["audio", "video"]),
  /** Camera and microphone, or a shared screen. */
  source: z.enum(["camera", "screen"]),
});
export type SubscribedStream = z.infer<typeof SubscribedStream>;

export const ServerMessage = z.discriminatedUnion("type", [
  /** Sent once as soon as the connection opens: the server's version and how to reach its media. */
  z.object({
    type: z.literal("welcome"),
    version: z.number().int(),
    /** The operator wants microphone and camera off until each person switches them on. */
    mediaOffByDefault: z.boolean(),
    /** End-to-end encryption is on for browsers that can do it (the operator may switch it off). */
    e2ee: z.boolean(),
  }),
  /** The answer to `join` for a guest of a meeting with a lobby: wait until a moderator decides. */
  z.object({
    type: z.literal("lobby"),
    /** A moderator is in the meeting (else: "the host has not arrived yet"). Sent again when it changes. */
    hostPresent: z.boolean(),
  }),
  /** The answer to `join`: who you are and who is here. */
  z.object({
    type: z.literal("joined"),
    participantId: ParticipantId,
    role: Role,
    /** For moderators: their own moderator key, to keep until it expires (a reload stays moderator). */
    moderatorKey: ModeratorKey.optional(),
    /** Keep it for the life of the page; send it in `join` to come back as the same participant. */
    resumeToken: z.string(),
    /**
     * STUN/TURN servers for the peer connections, with TURN credentials made for this person
     * (none are given before `joined`: a stranger with the link gets no relay).
     */
    iceServers: z.array(IceServer),
    /** Everyone else in the room, in order of arrival. */
    participants: z.array(Participant),
    /** A moderator set how newcomers start: begin with this microphone and camera (left out when not set). */
    startWith: z.object({ audio: z.boolean(), video: z.boolean() }).optional(),
  }),
  z.object({ type: z.literal("participantJoined"), participant: Participant }),
  z.object({ type: z.literal("participantUpdated"), participant: Participant }),
  z.object({ type: z.literal("participantLeft"), participantId: ParticipantId }),
  /** Your role changed (a moderator made you one, with your own key; or took the rights away: forget the key). */
  z.object({ type: z.literal("roleChanged"), role: Role, moderatorKey: ModeratorKey.optional() }),
  // The lobby, the meeting's settings and moderator tools (moderator-messages.ts).
  ...ModeratorServerMessages,
  /**
   * The highest layer of your camera anyone receives now (`off`: nobody). Layers above it may
   * pause until it rises: encoding them costs CPU for nothing.
   */
  z.object({ type: z.literal("videoLayers"), highest: VideoQuality }),
  /** Someone reacted; shown briefly on their tile. To everyone in the meeting, the sender included. */
  z.object({ type: z.literal("reaction"), from: ParticipantId, reaction: Reaction }),
  /** A chat message, to everyone in the meeting including its sender. `at`: server time, ms since 1970. */
  z.object({ type: z.literal("chat"), from: ParticipantId, name: z.string(), text: z.string(), at: z.number() }),
  /** A `sealedChat`, relayed like `chat`: only the participants hold the key to read it. */
  z.object({ type: z.literal("sealedChat"), from: ParticipantId, name: z.string(), keyId: KeyId, sealed: z.string(), at: z.number() }),
  /** A participant's `content`, relayed as it came; `at`: server time, ms since 1970. */
  z.object({
    type: z.literal("content"),
    from: ParticipantId,
    topic: ContentTopic,
    to: ContentRecipient.optional(),
    data: z.string(),
    keyId: KeyId.optional(),
    at: z.number(),
  }),
  /** One of `from`'s media keys, sealed for you (see the client's `e2eeKeys`). */
  z.object({ type: z.literal("e2eeKey"), from: ParticipantId, keyId: KeyId, sealed: z.string() }),
  /** The last message before the server closes the connection for good (close code 4003). */
  z.object({ type: z.literal("farewell"), reason: z.enum(["refused", "removed", "ended"]) }),
  /** The answer to `probeServers`: STUN/TURN servers for the check, with short-lived TURN credentials. */
  z.object({ type: z.literal("probeServers"), iceServers: z.array(IceServer) }),
  /** The media server's answer to `probe`. */
  z.object({ type: z.literal("probeAnswer"), sdp: z.string() }),
  /** The answer to `ping`: everything caused by the messages before it has been sent. */
  z.object({ type: z.literal("pong"), id: z.number().int() }),
  /** The media server's SDP answer to `publishScreen`. */
  z.object({ type: z.literal("screenAnswer"), sdp: z.string() }),
  /** The media server's SDP answer to `publish`. */
  z.object({ type: z.literal("publisherAnswer"), sdp: z.string() }),
  /** A new SDP offer for the subscriber peer connection; reply with `subscriberAnswer`. */
  z.object({ type: z.literal("subscriberOffer"), sdp: z.string(), streams: z.array(SubscribedStream) }),
  // Breakout rooms (breakout-messages.ts).
  ...BreakoutServerMessages,
  // Recording with consent, issue 16 (recording-messages.ts).
  ...RecordingServerMessages,
  z.object({
    type: z.literal("error"),
    code: ErrorCode,
    message: z.string(),
    /** The `type` of the client message that caused it, when known. */
    inReplyTo: z.string().optional(),
  }),

  // Video consultation (docs/consultation.md), in consultation.ts.
  ...consultationServerMessages,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;

/** The server message with a given `type`, e.g. `ServerMessageOf<"joined">`. */
export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;
export type ClientMessageOf<T extends ClientMessageType> = Extract<ClientMessage, { type: T }>;


export type ParseResult =
  | { ok: true; message: ClientMessage }
  | { ok: false; code: ErrorCode; message: string; inReplyTo?: string };

const knownClientTypes = new Set<string>(ClientMessage.options.map((o) => o.shape.type.value));

/**
 * Turns raw WebSocket data into a validated client message, or into the
 * error the server should answer with. Never throws.
 */
export function parseClientMessage(raw: string): ParseResult {
  if (utf8Length(raw) > MAX_MESSAGE_BYTES) {
    return { ok: false, code: "too-large", message: `messages are limited to ${MAX_MESSAGE_BYTES} bytes` };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: "bad-json", message: "the message is not valid JSON" };
  }
  const type =
    typeof json === "object" && json !== null && "type" in json && typeof json.type === "string" ? json.type : undefined;
  if (type === undefined) return { ok: false, code: "bad-message", message: "a message needs a string field 'type'" };
  if (!knownClientTypes.has(type)) {
    return { ok: false, code: "unknown-type", message: `unknown message type '${type.slice(0, 40)}'` };
  }
  // The version is checked before the shape, so a client of another version hears
  // "wrong version" rather than a complaint about a field that changed.
  if (type === "join" && (json as { version?: unknown }).version !== PROTOCOL_VERSION) {
    return {
      ok: false,
      code: "unsupported-version",
      message: `this server speaks protocol version ${PROTOCOL_VERSION}; reload the page`,
      inReplyTo: "join",
    };
  }
  const result = ClientMessage.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join(".") : "message";
    return { ok: false, code: "bad-message", message: `${where}: ${issue?.message ?? "invalid"}`, inReplyTo: type };
  }
  return { ok: true, message: result.data };
}

function utf8Length(s: string): number {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: skip the encoding when it cannot matter.
  return s.length * 3 <= MAX_MESSAGE_BYTES ? s.length : new TextEncoder().encode(s).length;
}
