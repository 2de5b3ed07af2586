/**
 * The moderators' part of the protocol (docs/protocol.md): what moderators
 * ask of the server (the lobby, the meeting's settings, acting on
 * participants, the tools of issue 13) and what the server tells about the
 * lobby, the settings and moderators' requests. Kept in its own file and
 * spliced into the unions of messages.ts.
 */
import { z } from "zod";
import { LobbyEntry, LobbyNote, MeetingPassword, ModeratorAction, ModeratorActionForAll, NewcomerDefaults, ParticipantId } from "./values.js";

/** Client → server, moderators only: anyone else gets `forbidden` and nothing happens. */
export const ModeratorClientMessages = [
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
  // --- Moderator tools (issue 13) ---
  /** Act on everyone in the meeting but the sender: mute (held at the media server), lower all hands, ask to unmute. */
  z.object({ type: z.literal("moderateAll"), action: ModeratorActionForAll }),
  /** How people who join from now on start (moderators excepted): microphone muted, camera off. */
  z.object({ type: z.literal("newcomerDefaults"), ...NewcomerDefaults.shape }),
  /** A short note to everyone waiting in the lobby now. */
  z.object({ type: z.literal("lobbyMessage"), text: LobbyNote }),
  // --- end of moderator tools ---
] as const;

/** Server → client. */
export const ModeratorServerMessages = [
  /** To someone who becomes a moderator: everyone waiting in the lobby, in order of arrival. Changes follow one by one. */
  z.object({ type: z.literal("lobbyChanged"), waiting: z.array(LobbyEntry) }),
  /** To moderators: someone started waiting in the lobby (at the end of the list). */
  z.object({ type: z.literal("lobbyJoined"), entry: LobbyEntry }),
  /** To moderators: someone no longer waits (let in, turned away, or gone). */
  z.object({ type: z.literal("lobbyLeft"), participantId: ParticipantId }),
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
  /**
   * A moderator muted your microphone, stopped your camera or your screen share (you may switch them on
   * again), or asks you to unmute (`ask-unmute`: a request; nothing changes unless you do it).
   */
  z.object({ type: z.literal("moderated"), action: z.enum(["mute-audio", "stop-video", "stop-screen", "ask-unmute"]) }),
  // --- Moderator tools (issue 13) ---
  /**
   * How newcomers start. To every moderator when it changes and when they come in (if set);
   * a participant to whom it applies finds it in `joined.startWith`.
   */
  z.object({ type: z.literal("newcomerDefaults"), ...NewcomerDefaults.shape }),
  /** To those waiting in the lobby: a moderator's note. Plain text (docs/e2ee.md). `at`: server time. */
  z.object({ type: z.literal("lobbyMessage"), text: z.string(), at: z.number() }),
  // --- end of moderator tools ---
] as const;
