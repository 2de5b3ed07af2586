/**
 * Who may come in, and how: the admission rules as one pure function over
 * plain facts, so every rule is a line here and a row in its unit test.
 *
 * The facts that need I/O or secrets (is the moderator key genuine, is the
 * password right, does the resume token belong to someone) are worked out
 * by the caller (live-room.ts) and passed in as verdicts.
 */
import type { ErrorCode, Role } from "../protocol/messages.js";

/** What the meeting is like at the moment of the decision. */
export interface RoomFacts {
  /** Only browsers that encrypt end to end may join (the meeting's setting, or the server's). */
  requiresE2ee: boolean;
  /** The room is kept for a video consultation (isConsultationRoom): only those with a key come in. */
  reserved: boolean;
  locked: boolean;
  /** Guests wait in the lobby until a moderator lets them in. */
  lobby: boolean;
  /** People waiting now, and how many may wait at most. */
  waiting: number;
  maxWaiting: number;
}

/** What the caller found out about the person asking to join. */
export interface EntryFacts {
  /** They hold a moderator key that is valid for this meeting and not shut out. */
  moderatorKey: boolean;
  /** They hold an invitation key for this room (a consultation's three people): they enter as participants. */
  invited: boolean;
  /** They came back with the resume token of someone let in before, who had this role. */
  returningAs?: Role;
  /** Their browser sent an identity key (it can encrypt end to end). */
  canEncrypt: boolean;
  /**
   * The meeting password: not asked for (none set), missing, right, wrong, or not checked
   * because too many wrong ones came from their address or for this meeting.
   */
  password: "none" | "missing" | "right" | "wrong" | "too-many";
}

export type AdmissionDecision =
  | { kind: "refuse"; code: ErrorCode; message: string }
  | { kind: "enter"; role: Role }
  | { kind: "knock" };

export const E2EE_REQUIRED_MESSAGE = "this meeting admits only browsers that encrypt end to end";

/** Rooms a consultation keeps for itself (docs/consultation.md, "A third person"): no one creates or knocks on them. */
export const CONSULTATION_ROOM_PREFIX = "consult-";

export function isConsultationRoom(room: string): boolean {
  return room.startsWith(CONSULTATION_ROOM_PREFIX);
}

const refuse = (code: ErrorCode, message: string): AdmissionDecision => ({ kind: "refuse", code, message });

/**
 * The decision, in order: encryption required applies to everyone (a moderator without it could
 * not exchange keys either); moderators and returning participants skip lock, password and
 * lobby, and so do those invited into a consultation's room, which admits no one else; everyone
 * else must find the meeting unlocked, know its password, and then waits in the lobby (if it is
 * on and has room) or comes straight in.
 */
export function decideAdmission(room: RoomFacts, entry: EntryFacts): AdmissionDecision {
  if (room.requiresE2ee && !entry.canEncrypt) return refuse("e2ee-required", E2EE_REQUIRED_MESSAGE);
  if (entry.moderatorKey || entry.returningAs === "moderator") return { kind: "enter", role: "moderator" };
  if (entry.returningAs || entry.invited) return { kind: "enter", role: "participant" };
  if (room.reserved) return refuse("forbidden", "this room belongs to a video consultation; only those invited come in");
  if (room.locked) return refuse("locked", "this meeting is locked");
  switch (entry.password) {
    case "missing":
      return refuse("password-required", "this meeting needs a password");
    case "wrong":
      return refuse("wrong-password", "that is not the meeting's password");
    case "too-many":
      return refuse("too-many-attempts", "too many wrong passwords; wait a minute");
  }
  if (!room.lobby) return { kind: "enter", role: "participant" };
  if (room.waiting >= room.maxWaiting) return refuse("lobby-full", "too many people are waiting to be let in; try again later");
  return { kind: "knock" };
}
