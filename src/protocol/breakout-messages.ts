/**
 * The breakout-room messages of the protocol (docs/protocol.md, "Breakout
 * rooms"), kept in their own file and spliced into the unions of
 * messages.ts. The server knows breakouts only by opaque ids (`b1`…`b50`)
 * and who is assigned where; names and messages to all rooms travel sealed
 * over the content channel (topic `breakout`).
 */
import { z } from "zod";
import { ParticipantId } from "./values.js";

/** An opaque breakout-room id: `b1` … `b50`. */
export const BreakoutId = z.string().regex(/^b([1-9]|[1-4][0-9]|50)$/, "breakout ids are b1 … b50");
export type BreakoutId = z.infer<typeof BreakoutId>;

export const BreakoutPhase = z.enum(["planning", "open", "closing"]);

/** Client → server. All but `breakoutChoose` and `breakoutHelp` are for moderators only. */
export const BreakoutClientMessages = [
  /** Moderator: how many breakout rooms there are (0 removes them). Only while they are not open. */
  z.object({ type: z.literal("breakoutRooms"), count: z.number().int().min(0).max(50) }),
  /** Moderator: assign people by hand (null: the main room). While open, they are moved at once (a moderator visits by assigning themselves). */
  z.object({
    type: z.literal("breakoutAssign"),
    assignments: z
      .record(ParticipantId, BreakoutId.nullable())
      .refine((r) => Object.keys(r).length >= 1 && Object.keys(r).length <= 500, "1 to 500 participants"),
  }),
  /** Moderator: assign everyone who is not a moderator at random, evenly. Only while not open. */
  z.object({ type: z.literal("breakoutAssignRandom") }),
  /** Moderator: may people choose their room (and return), and an optional timer. */
  z.object({
    type: z.literal("breakoutSettings"),
    allowChoose: z.boolean(),
    durationMinutes: z.number().int().min(1).max(480).nullable(),
  }),
  /** Moderator: open the rooms: everyone assigned moves there. */
  z.object({ type: z.literal("breakoutOpen") }),
  /** Moderator: close all rooms: everyone returns to the main room after the countdown (30 s unless given). */
  z.object({ type: z.literal("breakoutClose"), countdownSeconds: z.number().int().min(1).max(30).default(30) }),
  /** Anyone, while rooms are open and choosing is allowed (moderators always): move oneself (null: the main room). */
  z.object({ type: z.literal("breakoutChoose"), breakout: BreakoutId.nullable() }),
  /** Anyone in an open breakout room: ask the moderators for help (they are told which room). */
  z.object({ type: z.literal("breakoutHelp") }),
] as const;

/** Server → client. */
export const BreakoutServerMessages = [
  /**
   * The breakout rooms, to everyone in the meeting: after `joined` while there are any, and on
   * every change. `assignments` lists everyone present who has a room; while `open` or
   * `closing`, that is where their media is. Times are the server's clock (`now`).
   */
  z.object({
    type: z.literal("breakouts"),
    rooms: z.array(BreakoutId),
    assignments: z.record(ParticipantId, BreakoutId),
    allowChoose: z.boolean(),
    durationMinutes: z.number().int().nullable(),
    phase: BreakoutPhase,
    endsAt: z.number().optional(),
    returnAt: z.number().optional(),
    now: z.number(),
  }),
  /** To moderators: someone in a breakout room asks for help. */
  z.object({ type: z.literal("breakoutHelp"), from: ParticipantId, breakout: BreakoutId }),
] as const;
