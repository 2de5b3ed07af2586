/**
 * Breakout rooms as pure rules: how many there are, who is assigned where,
 * whether people may choose, the timer, and the phases planning → open →
 * closing → planning. No sockets, no media server, no clock: the time is
 * passed in, and each change says whose location it changed, so the live
 * side (breakout-rooms.ts) knows whose media to move.
 *
 * The server knows breakouts only by opaque ids (`b1`…`bN`): their names
 * travel between the browsers over the sealed content channel.
 */
import type { BreakoutId, ParticipantId } from "../protocol/messages.js";
import { RefusedError } from "./errors.js";

/** At most this many breakout rooms per meeting. */
export const MAX_BREAKOUTS = 50;
/** How long everyone sees the countdown before they return to the main room. */
export const DEFAULT_RETURN_COUNTDOWN_MS = 30_000;

export type BreakoutPhase = "planning" | "open" | "closing";

/** Where a participant's media is: a breakout, or the main room (null). */
export type Location = BreakoutId | null;

/** What everyone is told (the `breakouts` message without type and now). */
export interface BreakoutSnapshot {
  rooms: BreakoutId[];
  assignments: Record<ParticipantId, BreakoutId>;
  allowChoose: boolean;
  durationMinutes: number | null;
  phase: BreakoutPhase;
  /** Open with a timer: when the countdown to return starts (server time, ms). */
  endsAt?: number;
  /** Closing: when everyone returns to the main room. */
  returnAt?: number;
}

/** A person whose location changed, from where to where. */
export interface Move {
  id: ParticipantId;
  from: Location;
  to: Location;
}

export const breakoutId = (n: number): BreakoutId => `b${n}`;

/**
 * Spreads people over rooms at random: every person gets one room, and room sizes differ by at
 * most one. `random` returns [0, 1) like Math.random (the server passes a crypto-backed one).
 */
export function assignRandomly(people: readonly ParticipantId[], rooms: readonly BreakoutId[], random: () => number): Map<ParticipantId, BreakoutId> {
  const assignments = new Map<ParticipantId, BreakoutId>();
  if (rooms.length === 0) return assignments;
  const shuffled = [...people];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  // Which rooms get the extra person is random too: otherwise b1 would always be the fullest.
  const order = [...rooms];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(random() * (i + 1)));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  shuffled.forEach((id, index) => assignments.set(id, order[index % order.length]!));
  return assignments;
}

export class Breakouts {
  private rooms: BreakoutId[] = [];
  private readonly assignments = new Map<ParticipantId, BreakoutId>();
  private allowChoose = false;
  private durationMinutes: number | null = null;
  private phase: BreakoutPhase = "planning";
  private endsAt: number | undefined;
  private returnAt: number | undefined;

  get exists(): boolean {
    return this.rooms.length > 0;
  }

  get currentPhase(): BreakoutPhase {
    return this.phase;
  }

  get roomIds(): readonly BreakoutId[] {
    return this.rooms;
  }

  /** When an open timer runs out, or everyone returns (closing); undefined if nothing is due. */
  get nextDeadline(): { at: number; what: "timer" | "return" } | undefined {
    if (this.phase === "open" && this.endsAt !== undefined) return { at: this.endsAt, what: "timer" };
    if (this.phase === "closing" && this.returnAt !== undefined) return { at: this.returnAt, what: "return" };
    return undefined;
  }

  /** Where someone's media is now: their breakout while rooms are open or closing, else the main room. */
  locationOf(id: ParticipantId): Location {
    return this.phase === "planning" ? null : (this.assignments.get(id) ?? null);
  }

  has(room: BreakoutId): boolean {
    return this.rooms.includes(room);
  }

  snapshot(present: Iterable<ParticipantId>): BreakoutSnapshot {
    const assignments: Record<ParticipantId, BreakoutId> = {};
    for (const id of present) {
      const room = this.assignments.get(id);
      if (room) assignments[id] = room;
    }
    return {
      rooms: [...this.rooms],
      assignments,
      allowChoose: this.allowChoose,
      durationMinutes: this.durationMinutes,
      phase: this.phase,
      ...(this.phase === "open" && this.endsAt !== undefined ? { endsAt: this.endsAt } : {}),
      ...(this.phase === "closing" && this.returnAt !== undefined ? { returnAt: this.returnAt } : {}),
    };
  }

  /** Sets how many rooms there are (0 removes them all); assignments to rooms that go are dropped. Only while planning. */
  setCount(count: number): void {
    this.mustPlan("change the number of breakout rooms");
    if (!Number.isInteger(count) || count < 0 || count > MAX_BREAKOUTS) throw new RefusedError("bad-message", `between 0 and ${MAX_BREAKOUTS} breakout rooms`);
    this.rooms = Array.from({ length: count }, (_, i) => breakoutId(i + 1));
    for (const [id, room] of this.assignments) if (!this.has(room)) this.assignments.delete(id);
  }

  setSettings(allowChoose: boolean, durationMinutes: number | null): void {
    this.allowChoose = allowChoose;
    this.durationMinutes = durationMinutes;
  }

  /** Assigns people by hand (null: the main room). While open, each changed location is a move. */
  assign(changes: ReadonlyMap<ParticipantId, Location>): Move[] {
    for (const room of changes.values()) this.mustExist(room);
    const moves: Move[] = [];
    for (const [id, room] of changes) {
      const from = this.locationOf(id);
      if (room === null) this.assignments.delete(id);
      else this.assignments.set(id, room);
      const to = this.locationOf(id);
      if (from !== to) moves.push({ id, from, to });
    }
    return moves;
  }

  /** Assigns these people at random (the others keep theirs). Only while planning. */
  assignRandom(people: readonly ParticipantId[], random: () => number): void {
    this.mustPlan("assign at random");
    if (!this.exists) throw new RefusedError("out-of-order", "there are no breakout rooms yet");
    for (const [id, room] of assignRandomly(people, this.rooms, random)) this.assignments.set(id, room);
  }

  /** A participant moves themselves: allowed while rooms are open and choosing is allowed. */
  choose(id: ParticipantId, room: Location): Move[] {
    if (this.phase !== "open") throw new RefusedError("out-of-order", "breakout rooms are not open");
    if (!this.allowChoose) throw new RefusedError("forbidden", "a moderator assigns the breakout rooms");
    return this.assign(new Map([[id, room]]));
  }

  /** Opens the rooms: everyone assigned moves there; the timer starts if one is set. */
  open(present: Iterable<ParticipantId>, now: number): Move[] {
    this.mustPlan("open the breakout rooms");
    if (!this.exists) throw new RefusedError("out-of-order", "there are no breakout rooms yet");
    this.phase = "open";
    this.endsAt = this.durationMinutes ? now + this.durationMinutes * 60_000 : undefined;
    return this.movesFrom(present, () => null);
  }

  /** Starts the countdown to return (by a moderator, or when the timer ran out). */
  close(now: number, countdownMs = DEFAULT_RETURN_COUNTDOWN_MS): void {
    if (this.phase !== "open") throw new RefusedError("out-of-order", "breakout rooms are not open");
    this.phase = "closing";
    this.endsAt = undefined;
    this.returnAt = now + countdownMs;
  }

  /** The countdown is over: everyone returns to the main room; rooms and assignments stay for another round. */
  finish(present: Iterable<ParticipantId>): Move[] {
    if (this.phase === "planning") return [];
    const before = new Map([...present].map((id) => [id, this.locationOf(id)] as const));
    this.phase = "planning";
    this.returnAt = undefined;
    return this.movesFrom(before.keys(), (id) => before.get(id) ?? null);
  }

  private movesFrom(present: Iterable<ParticipantId>, fromOf: (id: ParticipantId) => Location): Move[] {
    const moves: Move[] = [];
    for (const id of present) {
      const from = fromOf(id);
      const to = this.locationOf(id);
      if (from !== to) moves.push({ id, from, to });
    }
    return moves;
  }

  private mustPlan(what: string): void {
    if (this.phase !== "planning") throw new RefusedError("out-of-order", `close the breakout rooms before you ${what}`);
  }

  private mustExist(room: Location): void {
    if (room !== null && !this.has(room)) throw new RefusedError("bad-message", `there is no breakout room ${room}`);
  }
}
