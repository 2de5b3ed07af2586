/**
 * The recording messages of the protocol (issue 16; docs/protocol.md,
 * "Recording"), spliced into the unions of messages.ts. A moderator records
 * in their own browser; the server only knows *that* a recording runs and
 * who records, so everyone in the meeting, and everyone about to join, can
 * be told. Consent answers do not pass through here: they travel sealed over
 * the content channel (topic `recordingConsent`) to the recording moderator.
 */
import { z } from "zod";
import { ParticipantId, RoomName } from "./values.js";

/** Client → server. */
export const RecordingClientMessages = [
  /**
   * Moderators only: this moderator starts (`on`) recording in their browser, or a moderator stops
   * it. One recording at a time: starting while another moderator records is refused (`out-of-order`).
   */
  z.object({ type: z.literal("record"), on: z.boolean() }),
  /**
   * Before joining (the pre-join screen): does a recording run in `room`? Answered with
   * `meetingNotice`. Allowed without `join`; a meeting that does not run answers `false`.
   */
  z.object({ type: z.literal("meetingNotice"), room: RoomName }),
] as const;

/** Server → client. */
export const RecordingServerMessages = [
  /**
   * To everyone in the meeting: who records (`null`: nobody, the recording stopped). Sent when it
   * changes, and to a newcomer after `joined` while a recording runs. It stops by itself when the
   * recording moderator leaves or loses the moderator role.
   */
  z.object({ type: z.literal("recording"), by: ParticipantId.nullable() }),
  /**
   * To someone about to join: the answer to `meetingNotice`; and to everyone waiting in the lobby,
   * when they knock while a recording runs and whenever that changes.
   */
  z.object({ type: z.literal("meetingNotice"), recording: z.boolean() }),
] as const;
