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
import { MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ROOM_NAME_PATTERN } from "./constants.js";

export { CloseCode, MAX_MESSAGE_BYTES, PROTOCOL_VERSION, ROOM_NAME_PATTERN, SIGNALING_PATH } from "./constants.js";

// ---------------------------------------------------------------------------
// Shared value types

/**
 * A room name as it appears in `/r/<name>`: letters, digits, `-` and `_`.
 * Rooms created with "New meeting" get 16 random bytes as 22 base64url
 * characters (128 bits); people may also type shorter names.
 */
export const RoomName = z.string().regex(ROOM_NAME_PATTERN, "room names have 1–64 letters, digits, '-' or '_'");
export type RoomName = z.infer<typeof RoomName>;

/** Opaque participant id, unique within a room, chosen by the server. */
export const ParticipantId = z.string().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/);
export type ParticipantId = z.infer<typeof ParticipantId>;

/** A display name: trimmed, 1..64 characters, no control characters. */
export const DisplayName = z
  .string()
  .transform((s) => s.trim())
  .pipe(
    z
      .string()
      .min(1, "a name is required")
      .max(64, "names have at most 64 characters")
      // eslint-disable-next-line no-control-regex
      .regex(/^\P{Cc}*$/u, "names may not contain control characters"),
  );

/** An SDP blob (offer or answer). Bounded by the message size limit. */
const Sdp = z.string().min(1).max(MAX_MESSAGE_BYTES);

/** Which of a participant's peer connections a candidate belongs to (camera, receiving, shared screen). */
export const PeerConnectionRole = z.enum(["publisher", "subscriber", "screen"]);
export type PeerConnectionRole = z.infer<typeof PeerConnectionRole>;

/** An ICE candidate as produced by RTCIceCandidate.toJSON(). */
export const IceCandidate = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullish(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullish(),
});
export type IceCandidate = z.infer<typeof IceCandidate>;

/**
 * A participant's end-to-end encryption identity key for this meeting: a raw
 * ECDH P-256 public key (65 bytes) in base64url. Its private half never
 * leaves the browser; see docs/e2ee.md.
 */
export const PublicKey = z.string().regex(/^[A-Za-z0-9_-]{87}$/, "a public key is 65 bytes in base64url");
export type PublicKey = z.infer<typeof PublicKey>;

/** Ciphertext the server relays without being able to read it (base64url). */
const Sealed = (maxLength: number) => z.string().min(1).max(maxLength).regex(/^[A-Za-z0-9_-]+$/, "sealed data is base64url");

/** Which of a sender's keys sealed something: a counter that wraps at 256. */
export const KeyId = z.number().int().min(0).max(255);

/** Moderators admit guests and may mute, remove, lock and end; everyone else is a participant. */
export const Role = z.enum(["moderator", "participant"]);
export type Role = z.infer<typeof Role>;

/** What every participant knows about every other participant. */
export const Participant = z.object({
  id: ParticipantId,
  name: z.string(),
  role: Role,
  /** Microphone is on (sending audio). */
  audio: z.boolean(),
  /** Camera is on (sending video). */
  video: z.boolean(),
  /** The participant's media reaches the media server and can be subscribed to. */
  publishing: z.boolean(),
  /** The participant shares their screen, and it can be subscribed to. */
  screen: z.boolean(),
  /** A raised hand: its place in the order hands went up (lower is earlier); `null` when down. */
  hand: z.number().int().nullable(),
  /** The participant's E2EE identity key; `null`: their browser cannot encrypt end to end. */
  publicKey: PublicKey.nullable(),
});
export type Participant = z.infer<typeof Participant>;

/** The few reactions a participant can show briefly on their tile. */
export const Reaction = z.enum(["thumbs-up", "clap", "laugh", "heart", "surprised"]);
export type Reaction = z.infer<typeof Reaction>;

/** An ICE server handed to the browser (STUN/TURN), as in RTCIceServer. */
export const IceServer = z.object({
  urls: z.array(z.string()),
  username: z.string().optional(),
  credential: z.string().optional(),
});
export type IceServer = z.infer<typeof IceServer>;

/** How much of a camera a receiver wants: none, or a simulcast layer by tile size. */
export const VideoQuality = z.enum(["off", "low", "medium", "high"]);
export type VideoQuality = z.infer<typeof VideoQuality>;

/**
 * Someone waiting in the lobby, as moderators see them. `e2ee`: their browser
 * can encrypt end to end (it sent a public key), so a moderator knows before
 * letting them in whether they will make the meeting "not encrypted for everyone".
 */
export const LobbyEntry = z.object({ id: ParticipantId, name: z.string(), e2ee: z.boolean() });
export type LobbyEntry = z.infer<typeof LobbyEntry>;

/** What a moderator can do to one participant. */
export const ModeratorAction = z.enum(["mute-audio", "stop-video", "remove", "make-moderator", "lower-hand"]);
export type ModeratorAction = z.infer<typeof ModeratorAction>;

/** Meeting passwords: long enough to mean something, short enough to type. */
export const MeetingPassword = z.string().min(4, "passwords have at least 4 characters").max(256);

/** A chat message's text. */
export const ChatText = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "the message is empty").max(2000, "messages have at most 2000 characters"));

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
    /** The moderator key from the meeting's moderator link: join as moderator, past the lobby. */
    moderatorKey: z.string().max(128).optional(),
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
  /** Raise or lower one's hand. */
  z.object({ type: z.literal("raiseHand"), raised: z.boolean() }),
  /** Show a reaction briefly to everyone. */
  z.object({ type: z.literal("react"), reaction: Reaction }),

  // Moderators only: anyone else gets `forbidden` and nothing happens.
  /** Let people in from the lobby: some, or everyone waiting. */
  z.object({ type: z.literal("admit"), participants: z.union([z.literal("all"), z.array(ParticipantId).min(1).max(500)]) }),
  /** Turn someone in the lobby away. */
  z.object({ type: z.literal("refuse"), participant: ParticipantId }),
  /** Act on one participant in the meeting. */
  z.object({ type: z.literal("moderate"), participant: ParticipantId, action: ModeratorAction }),
  /** A locked meeting takes no new knocks (moderators with the key still get in). */
  z.object({ type: z.literal("lock"), locked: z.boolean() }),
  /** Guests must give this password before they may knock; `null` removes it. */
  z.object({ type: z.literal("setPassword"), password: MeetingPassword.nullable() }),
  /** End the meeting for everyone. */
  z.object({ type: z.literal("endMeeting") }),
  /** Allow several screen shares at once (default: one at a time). */
  z.object({ type: z.literal("allowMultipleShares"), allowed: z.boolean() }),
  /** Only browsers that encrypt end to end may join from now on. */
  z.object({ type: z.literal("requireE2ee"), required: z.boolean() }),

  /**
   * The connectivity check (/check): an SDP offer for a short test connection to the
   * media server. Allowed without `join`; one at a time; it ends when the socket closes.
   */
  z.object({ type: z.literal("probe"), sdp: Sdp }),
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
  "media-unavailable", // the media server is down or refused; retry later
  "internal", // a bug; the message was dropped and nothing else changed
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
    /** STUN/TURN servers for both peer connections (may be empty: direct connection only). */
    iceServers: z.array(IceServer),
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
    /** For moderators: the key of the meeting's moderator link, to keep (a reload stays moderator). */
    moderatorKey: z.string().optional(),
    /** Keep it for the life of the page; send it in `join` to come back as the same participant. */
    resumeToken: z.string(),
    /** Everyone else in the room, in order of arrival. */
    participants: z.array(Participant),
  }),
  z.object({ type: z.literal("participantJoined"), participant: Participant }),
  z.object({ type: z.literal("participantUpdated"), participant: Participant }),
  z.object({ type: z.literal("participantLeft"), participantId: ParticipantId }),
  /** Your role changed (a moderator made you one). */
  z.object({ type: z.literal("roleChanged"), role: Role, moderatorKey: z.string().optional() }),
  /** To moderators: who is waiting in the lobby now, in order of arrival. */
  z.object({ type: z.literal("lobbyChanged"), waiting: z.array(LobbyEntry) }),
  /** To everyone in the meeting: the meeting's settings. Sent after `joined` and on every change. */
  z.object({
    type: z.literal("roomState"),
    locked: z.boolean(),
    passwordSet: z.boolean(),
    /** A moderator allowed several people to share their screens at once. */
    multipleShares: z.boolean(),
    /** Only browsers that encrypt end to end may join. */
    e2eeRequired: z.boolean(),
  }),
  /** A moderator muted your microphone or stopped your camera (you may switch it on again). */
  z.object({ type: z.literal("moderated"), action: z.enum(["mute-audio", "stop-video"]) }),
  /** Someone reacted; shown briefly on their tile. To everyone in the meeting, the sender included. */
  z.object({ type: z.literal("reaction"), from: ParticipantId, reaction: Reaction }),
  /** A chat message, to everyone in the meeting including its sender. `at`: server time, ms since 1970. */
  z.object({ type: z.literal("chat"), from: ParticipantId, name: z.string(), text: z.string(), at: z.number() }),
  /** A `sealedChat`, relayed like `chat`: only the participants hold the key to read it. */
  z.object({ type: z.literal("sealedChat"), from: ParticipantId, name: z.string(), keyId: KeyId, sealed: z.string(), at: z.number() }),
  /** One of `from`'s media keys, sealed for you (see the client's `e2eeKeys`). */
  z.object({ type: z.literal("e2eeKey"), from: ParticipantId, keyId: KeyId, sealed: z.string() }),
  /** The last message before the server closes the connection for good (close code 4003). */
  z.object({ type: z.literal("farewell"), reason: z.enum(["refused", "removed", "ended"]) }),
  /** The media server's answer to `probe`. */
  z.object({ type: z.literal("probeAnswer"), sdp: z.string() }),
  /** The media server's SDP answer to `publishScreen`. */
  z.object({ type: z.literal("screenAnswer"), sdp: z.string() }),
  /** The media server's SDP answer to `publish`. */
  z.object({ type: z.literal("publisherAnswer"), sdp: z.string() }),
  /** A new SDP offer for the subscriber peer connection; reply with `subscriberAnswer`. */
  z.object({ type: z.literal("subscriberOffer"), sdp: z.string(), streams: z.array(SubscribedStream) }),
  z.object({
    type: z.literal("error"),
    code: ErrorCode,
    message: z.string(),
    /** The `type` of the client message that caused it, when known. */
    inReplyTo: z.string().optional(),
  }),
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
