/**
 * The value types the protocol's messages are made of (ids, names, keys,
 * participants), each a zod schema with its inferred type. messages.ts
 * builds the messages from them and re-exports them, so the rest of Treff
 * imports everything from messages.ts.
 */
import { z } from "zod";
import { MAX_MESSAGE_BYTES, ROOM_NAME_PATTERN } from "./constants.js";

/**
 * A room name as it appears in `/r/<name>`: letters, digits, `-` and `_`.
 * Rooms created with "New meeting" get 16 random bytes as 22 base64url
 * characters (128 bits); a chosen name gets such a suffix (docs/security.md).
 */
export const RoomName = z.string().regex(ROOM_NAME_PATTERN, "room names have 1–64 letters, digits, '-' or '_'");
export type RoomName = z.infer<typeof RoomName>;

/** Opaque participant id, unique within a room, chosen by the server. */
export const ParticipantId = z.string().min(1).max(32).regex(/^[A-Za-z0-9_-]+$/);
export type ParticipantId = z.infer<typeof ParticipantId>;

/**
 * Characters taken out of a name: format characters (Cf: the bidi overrides U+202A–U+202E and
 * isolates U+2066–U+2069 that make "evil.exe" read as "exe.live", zero-width joiners and
 * spaces, the BOM) and line and paragraph separators (Zl, Zp). Control characters (Cc) are
 * refused instead, with a clear error: they are never typed by accident.
 */
const HIDDEN_CHARACTERS = /[\p{Cf}\p{Zl}\p{Zp}]/gu;

/**
 * What a person's display name becomes before anyone sees it: Unicode NFC (so "é" typed two
 * ways is one name), hidden characters removed, runs of spaces one space, trimmed.
 */
export function normaliseName(raw: string): string {
  return raw.normalize("NFC").replace(HIDDEN_CHARACTERS, "").replace(/\p{Zs}+/gu, " ").trim();
}

/** A display name: normalised (normaliseName), then 1..64 characters without control characters. */
export const DisplayName = z
  .string()
  .max(1024, "names have at most 64 characters")
  .transform(normaliseName)
  .pipe(
    z
      .string()
      .min(1, "a name is required")
      .max(64, "names have at most 64 characters")
      // eslint-disable-next-line no-control-regex
      .regex(/^\P{Cc}*$/u, "names may not contain control characters"),
  );

/** An SDP blob (offer or answer). Bounded by the message size limit. */
export const Sdp = z.string().min(1).max(MAX_MESSAGE_BYTES);

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
export const Sealed = (maxLength: number) => z.string().min(1).max(maxLength).regex(/^[A-Za-z0-9_-]+$/, "sealed data is base64url");

/**
 * What participants create together (polls, breakout names, whiteboard, notes, slides) and the answers
 * to a recording moderator's question (`recordingConsent`, issue 16): the server
 * relays it by topic and, when it is sealed, cannot read it (docs/protocol.md, "Content").
 */
export const ContentTopic = z.enum(["poll", "pollAnswer", "breakout", "whiteboard", "notes", "slides", "recordingConsent"]);
export type ContentTopic = z.infer<typeof ContentTopic>;

/**
 * Who content is for: one participant, or `"moderators"` (which no participant id can be: the server
 * makes ids of 16 random characters). Absent: everyone else in the meeting.
 */
export const ContentRecipient = z.union([z.literal("moderators"), ParticipantId]);
export type ContentRecipient = z.infer<typeof ContentRecipient>;

/** Content's payload in base64url: sealed (with `keyId`) or plain. Fits one message with room to spare. */
export const CONTENT_DATA_MAX = 60_000;

/** Which of a sender's keys sealed something: a counter that wraps at 256. */
export const KeyId = z.number().int().min(0).max(255);

/**
 * A moderator credential (docs/security.md): `m1.<payload>.<signature>`, made by the server for
 * a meeting's creator, for someone a moderator promoted, or for the holder of an operator's token.
 * Opaque to clients except for its expiry, which they may read to forget it in time.
 */
export const ModeratorKey = z.string().min(1).max(512).regex(/^[A-Za-z0-9_.-]+$/, "not a moderator key");

/** Moderators admit guests and may mute, remove, lock and end; everyone else is a participant. */
export const Role = z.enum(["moderator", "participant"]);
export type Role = z.infer<typeof Role>;

/** What every participant knows about every other participant. */
export const Participant = z.object({
  id: ParticipantId,
  name: z.string(),
  role: Role,
  /** Microphone is on (sending audio). The media server drops audio while this is false. */
  audio: z.boolean(),
  /** Camera is on (sending video). The media server drops video while this is false. */
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

/**
 * What a moderator can do to one participant. `demote` takes moderator rights away (and their
 * moderator key stops working in this meeting); `remove` also keeps a removed moderator's key out.
 */
export const ModeratorAction = z.enum(["mute-audio", "stop-video", "remove", "make-moderator", "demote", "lower-hand", "stop-screen"]);
export type ModeratorAction = z.infer<typeof ModeratorAction>;

/** What a moderator can do to everyone else at once (issue 13): mute them, lower every hand, ask them to unmute. */
export const ModeratorActionForAll = z.enum(["mute-audio", "lower-hands", "ask-unmute"]);
export type ModeratorActionForAll = z.infer<typeof ModeratorActionForAll>;

/** A moderator's short note to those waiting in the lobby (plain text: lobby guests hold no meeting key). */
export const LobbyNote = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "the message is empty").max(280, "lobby messages have at most 280 characters"));

/** How newcomers start: microphone muted, camera off (set by a moderator; the media server holds them to it). */
export const NewcomerDefaults = z.object({ muteMicrophones: z.boolean(), cameraOff: z.boolean() });
export type NewcomerDefaults = z.infer<typeof NewcomerDefaults>;

/** Meeting passwords: at least 8 characters, so guessing one is not a matter of minutes. */
export const MeetingPassword = z.string().min(8, "passwords have at least 8 characters").max(256);

/** A chat message's text. */
export const ChatText = z
  .string()
  .transform((s) => s.trim())
  .pipe(z.string().min(1, "the message is empty").max(2000, "messages have at most 2000 characters"));
