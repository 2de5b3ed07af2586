/**
 * The ways a request to a room can fail that the person (or their client)
 * can act on. participant-session.ts turns each into a typed `error`.
 */
import type { ErrorCode } from "../protocol/messages.js";

/** Thrown by a join on a room that has just closed; the registry retries on a fresh room. */
export class RoomClosedError extends Error {}

/** The connection is no longer (or not yet) in the room: left, replaced, removed. */
export class ParticipantNotFoundError extends Error {}

/** A request refused for a reason the person can act on (locked, password, someone else shares…). */
export class RefusedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A moderator action from someone who is not a moderator. */
export class ForbiddenError extends Error {}
