/**
 * Breakout rooms in one participant's meeting: the server's `breakouts`
 * state, the rooms' names and the messages to all rooms (which travel over
 * the content channel, topic `breakout`, sealed when the page encrypts: the
 * server knows the rooms only as b1…bN), where everyone is, and with whom
 * this page shares its media keys. No DOM code.
 *
 * Keys (docs/e2ee.md, "Breakout rooms"): while the rooms are open, a
 * participant shares keys with the people in the same room and with the
 * moderators (who visit every room and write to all of them); moderators
 * share with everyone.
 */
import type { BreakoutId, ClientMessageInput, Participant, ParticipantId, ServerMessageOf } from "../../protocol/messages.js";
import type { ContentChannel } from "./content.js";
import type { E2eeSession } from "../e2ee/session.js";
import type { BreakoutControls, BreakoutInfo } from "../view.js";

type BreakoutState = Omit<ServerMessageOf<"breakouts">, "type" | "now">;

/** What moderators send each other and everyone over the content channel. */
type BreakoutContent = { kind: "names"; names: Record<BreakoutId, string> } | { kind: "broadcast"; text: string };

export const MAX_ROOM_NAME = 64;
export const MAX_BROADCAST = 500;
const BREAKOUT_ID = /^b([1-9]|[1-4][0-9]|50)$/;

export interface BreakoutEvents {
  /** The state, the names or someone's room changed. */
  changed(): void;
  /** This page's own room changed: publish and subscribe again. */
  moved(): void;
  /** A moderator wrote to all rooms. */
  broadcast(from: ParticipantId, text: string): void;
  /** For moderators: someone asks for help in a room. */
  help(from: ParticipantId, room: BreakoutId): void;
}

export interface BreakoutContext {
  send(message: ClientMessageInput): void;
  content: ContentChannel;
  e2ee(): E2eeSession | undefined;
  selfId(): ParticipantId | undefined;
  /** Everyone else in the meeting, as the roster has them. */
  others(): Participant[];
  /** Someone's record (this page's own too), for their role. */
  record(id: ParticipantId): Participant | undefined;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MeetingBreakouts implements BreakoutControls {
  state: BreakoutState | undefined;
  /** Local time minus server time, from the last state: countdowns run on the local clock. */
  private offset = 0;
  private readonly names = new Map<BreakoutId, string>();
  /** Whether keys were shared by room at the last look: the return to one room changes the set once more. */
  private keysByRoom = false;
  /** The next `breakouts` is the one that follows `joined`: it says where we already are. */
  private placedByJoin = false;

  constructor(
    private readonly context: BreakoutContext,
    private readonly events: BreakoutEvents,
  ) {
    context.content.on("breakout", (from, bytes) => this.receive(from, bytes));
  }

  /** While open or closing, people may be in different rooms: keys go by room. */
  get separated(): boolean {
    return !!this.state && this.state.phase !== "planning";
  }

  /** The server's `breakouts`. */
  update(message: ServerMessageOf<"breakouts">): void {
    const self = this.context.selfId();
    const before = self ? this.locationOf(self) : null;
    const { type: _type, now, ...state } = message;
    this.offset = Date.now() - now;
    this.state = state.rooms.length ? state : undefined;
    if (!this.state) this.names.clear();
    if (self && this.locationOf(self) !== before && !this.placedByJoin) this.events.moved();
    this.placedByJoin = false;
    this.shareKeys();
    this.events.changed();
  }

  /**
   * A new connection (`joined`): everyone is in the main room until the server's `breakouts`
   * says otherwise, which follows at once if there are breakout rooms (after a move of the
   * meeting to another server there may be none any more). That first one is no move: the
   * server put our media where it says when we joined, and the publish sent with `join` went there.
   */
  reset(): void {
    this.state = undefined;
    this.placedByJoin = true;
  }

  /** Where someone's media is: a breakout room, or the main room (null). */
  locationOf(id: ParticipantId): BreakoutId | null {
    if (!this.separated) return null;
    return this.state?.assignments[id] ?? null;
  }

  /** This page's own room. */
  get here(): BreakoutId | null {
    const self = this.context.selfId();
    return self ? this.locationOf(self) : null;
  }

  /** Whether someone is in the same room as this page (whose media it sees and hears). */
  sameRoom(id: ParticipantId): boolean {
    return this.locationOf(id) === this.here;
  }

  /** Whether this page shares media keys with a participant now. */
  sharesKeys(p: Participant): boolean {
    const self = this.context.selfId();
    if (!this.separated || p.role === "moderator" || (self && this.isModerator(self))) return true;
    return this.sameRoom(p.id);
  }

  /** While the rooms are open, media keys go only to those in the same room and the moderators (after any change: a fresh key). */
  shareKeys(): void {
    const byRoom = this.separated;
    if (byRoom || this.keysByRoom) this.context.e2ee()?.setPeers(this.context.others().filter((p) => this.sharesKeys(p)));
    this.keysByRoom = byRoom;
  }

  private isModerator(id: ParticipantId): boolean {
    return this.context.record(id)?.role === "moderator";
  }

  /** How the screen shows the breakout rooms now; undefined while there are none. */
  info(everyone: Participant[]): BreakoutInfo | undefined {
    const state = this.state;
    if (!state) return undefined;
    const local = (serverTime: number | undefined) => (serverTime === undefined ? undefined : serverTime + this.offset);
    return {
      rooms: state.rooms.map((id) => ({ id, name: this.names.get(id) })),
      assignments: state.assignments,
      phase: state.phase,
      allowChoose: state.allowChoose,
      durationMinutes: state.durationMinutes,
      endsAt: local(state.endsAt),
      returnAt: local(state.returnAt),
      here: this.here,
      everyone,
    };
  }

  // --- moderators ---------------------------------------------------------------

  /** Makes `names.length` rooms (0 removes them) and tells everyone their names, sealed. */
  async create(names: readonly string[]): Promise<void> {
    this.context.send({ type: "breakoutRooms", count: names.length });
    await this.rename(names);
  }

  async rename(names: readonly string[]): Promise<void> {
    this.names.clear();
    names.forEach((name, i) => {
      const clean = name.trim().slice(0, MAX_ROOM_NAME);
      if (clean) this.names.set(`b${i + 1}`, clean);
    });
    this.events.changed();
    await this.sendNames();
  }

  assign(assignments: Record<ParticipantId, BreakoutId | null>): void {
    if (Object.keys(assignments).length) this.context.send({ type: "breakoutAssign", assignments });
  }

  assignRandom(): void {
    this.context.send({ type: "breakoutAssignRandom" });
  }

  settings(allowChoose: boolean, durationMinutes: number | null): void {
    this.context.send({ type: "breakoutSettings", allowChoose, durationMinutes });
  }

  open(): void {
    this.context.send({ type: "breakoutOpen" });
  }

  close(countdownSeconds = 30): void {
    this.context.send({ type: "breakoutClose", countdownSeconds });
  }

  async broadcast(text: string): Promise<void> {
    const clean = text.trim().slice(0, MAX_BROADCAST);
    if (clean) await this.publish({ kind: "broadcast", text: clean });
  }

  /** Someone arrived: a moderator tells them the rooms' names. */
  async greet(id: ParticipantId): Promise<void> {
    const self = this.context.selfId();
    if (self && this.isModerator(self) && this.names.size) await this.sendNames(id);
  }

  // --- everyone -----------------------------------------------------------------

  /** Moves this page to a room (null: the main room); a moderator visits, others when allowed. */
  choose(room: BreakoutId | null): void {
    this.context.send({ type: "breakoutChoose", breakout: room });
  }

  askForHelp(): void {
    this.context.send({ type: "breakoutHelp" });
  }

  /** For moderators: the server's `breakoutHelp`. */
  helpRequested(message: ServerMessageOf<"breakoutHelp">): void {
    this.events.help(message.from, message.breakout);
  }

  private sendNames(to?: ParticipantId): Promise<void> {
    return this.publish({ kind: "names", names: Object.fromEntries(this.names) }, to);
  }

  private publish(content: BreakoutContent, to?: ParticipantId): Promise<void> {
    return this.context.content.send("breakout", encoder.encode(JSON.stringify(content)), to);
  }

  /** Names and messages count only from a moderator, and only in the shape they are sent in. */
  private receive(from: ParticipantId, bytes: Uint8Array): void {
    if (!this.isModerator(from)) return;
    let content: unknown;
    try {
      content = JSON.parse(decoder.decode(bytes));
    } catch {
      return;
    }
    if (typeof content !== "object" || content === null) return;
    const { kind } = content as { kind?: unknown };
    if (kind === "broadcast") {
      const { text } = content as { text?: unknown };
      if (typeof text === "string" && text.trim()) this.events.broadcast(from, text.slice(0, MAX_BROADCAST));
    } else if (kind === "names") {
      const { names } = content as { names?: unknown };
      if (typeof names !== "object" || names === null) return;
      this.names.clear();
      for (const [room, name] of Object.entries(names)) {
        if (BREAKOUT_ID.test(room) && typeof name === "string" && name.trim()) this.names.set(room, name.trim().slice(0, MAX_ROOM_NAME));
      }
      this.events.changed();
    }
  }
}
