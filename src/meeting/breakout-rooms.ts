/**
 * A live room's breakout rooms: the pure rules of breakouts.ts, a media room
 * of its own at the media server for each breakout, the moves between them,
 * and the timers (the optional time limit, the countdown to return).
 *
 * A move keeps the person's connection, role and everything else in the
 * meeting: only their publisher and subscription leave one media room and
 * join another, and their browser publishes and subscribes again when the
 * `breakouts` message says it is somewhere else. Every action runs in the
 * live room's queue; moderator actions are checked there.
 */
import { randomInt } from "node:crypto";
import type { BreakoutId, ParticipantId } from "../protocol/messages.js";
import { Breakouts, type Location, type Move } from "./breakouts.js";
import { RoomMedia } from "./room-media.js";
import { ForbiddenError, RefusedError, RoomClosedError } from "./errors.js";
import type { LiveRoom } from "./live-room.js";
import type { Member } from "./room-context.js";

/** Crypto-backed [0, 1): nobody can predict the random assignment. */
const secureRandom = () => randomInt(2 ** 47) / 2 ** 47;

export class BreakoutRooms {
  readonly rules = new Breakouts();
  private readonly media = new Map<BreakoutId, RoomMedia>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly live: LiveRoom) {}

  /** Where someone's media is now (null: the main room). */
  locationOf(id: ParticipantId): Location {
    return this.rules.locationOf(id);
  }

  /** Whether two people hear each other's chat: the same room, or one of them is a moderator (who hears every room). */
  together(a: ParticipantId, b: ParticipantId): boolean {
    const room = this.live.room;
    return this.locationOf(a) === this.locationOf(b) || room.isModerator(a) || room.isModerator(b);
  }

  /** The media room of a location; a breakout's is made when first needed. */
  mediaAt(location: Location): RoomMedia {
    if (location === null) return this.live.media;
    let media = this.media.get(location);
    if (!media) {
      media = new RoomMedia(this.live.context.mediaPlane, this.live.context.log, this.live.mediaEvents);
      this.media.set(location, media);
    }
    return media;
  }

  /** Tells a newcomer (or everyone, after a returning person came back into a breakout) how things stand. */
  announce(to?: ParticipantId): void {
    if (!this.rules.exists) return;
    const message = { type: "breakouts" as const, ...this.rules.snapshot(this.live.members.keys()), now: Date.now() };
    for (const id of to ? [to] : this.live.members.keys()) this.live.members.get(id)?.link.send(message);
  }

  setCount(by: Member, count: number): Promise<void> {
    return this.asModerator(by, async () => {
      const had = this.rules.exists;
      this.rules.setCount(count);
      if (had && !this.rules.exists) this.announceRemoved();
    });
  }

  assign(by: Member, assignments: Readonly<Record<ParticipantId, BreakoutId | null>>): Promise<void> {
    return this.asModerator(by, async () => {
      const absent = Object.keys(assignments).filter((id) => !this.live.members.has(id));
      if (absent.length) throw new RefusedError("unknown-participant", `not in this meeting: ${absent.slice(0, 5).join(", ")}`);
      await this.moveAll(this.rules.assign(new Map(Object.entries(assignments))));
    });
  }

  assignRandom(by: Member): Promise<void> {
    return this.asModerator(by, async () => {
      const people = [...this.live.members.keys()].filter((id) => !this.live.room.isModerator(id));
      this.rules.assignRandom(people, secureRandom);
    });
  }

  settings(by: Member, allowChoose: boolean, durationMinutes: number | null): Promise<void> {
    return this.asModerator(by, async () => this.rules.setSettings(allowChoose, durationMinutes));
  }

  open(by: Member): Promise<void> {
    return this.asModerator(by, async () => this.moveAll(this.rules.open(this.live.members.keys(), Date.now())));
  }

  close(by: Member, countdownSeconds: number): Promise<void> {
    return this.asModerator(by, async () => this.rules.close(Date.now(), countdownSeconds * 1000));
  }

  /** Someone moves themselves: anyone while choosing is allowed, a moderator (visiting) always. */
  choose(by: Member, breakout: BreakoutId | null): Promise<void> {
    return this.inQueue(by, async () => {
      const moves = this.live.room.isModerator(by.id)
        ? this.whileOpen(() => this.rules.assign(new Map([[by.id, breakout]])))
        : this.rules.choose(by.id, breakout);
      await this.moveAll(moves);
    });
  }

  /** Someone in a breakout asks for help: the moderators are told where. */
  help(by: Member): Promise<void> {
    return this.live.queue.run(async () => {
      this.live.current(by);
      const breakout = this.rules.locationOf(by.id);
      if (breakout === null) throw new RefusedError("out-of-order", "you are not in a breakout room");
      for (const [id, member] of this.live.members) {
        if (this.live.room.isModerator(id)) member.link.send({ type: "breakoutHelp", from: by.id, breakout });
      }
    });
  }

  /** The room closes: every breakout's media room goes, and the timer. Idempotent. */
  async destroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rooms = [...this.media.values()];
    this.media.clear();
    await Promise.all(rooms.map((media) => media.destroy()));
  }

  // --- internals -------------------------------------------------------------

  private asModerator(by: Member, action: () => Promise<void>): Promise<void> {
    return this.inQueue(by, async () => {
      if (!this.live.room.isModerator(by.id)) throw new ForbiddenError("only moderators may do that");
      await action();
    });
  }

  /** Runs an action in the room's queue; afterwards everyone hears the new state, and the timer follows it. */
  private inQueue(by: Member, action: () => Promise<void>): Promise<void> {
    return this.live.queue.run(async () => {
      if (this.live.isClosed) throw new RoomClosedError("the meeting ended");
      this.live.current(by);
      await action();
      await this.afterChange();
    });
  }

  private async afterChange(): Promise<void> {
    this.announce();
    this.schedule();
    await this.dropEmptyMedia();
  }

  private whileOpen(change: () => Move[]): Move[] {
    if (this.rules.currentPhase !== "open") throw new RefusedError("out-of-order", "breakout rooms are not open");
    return change();
  }

  /** One timer for what is due next: the time limit (then the countdown starts) or the return. */
  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const due = this.rules.nextDeadline;
    if (!due) return;
    this.timer = setTimeout(() => {
      void this.live.queue
        .run(async () => {
          if (this.live.isClosed || this.rules.nextDeadline?.at !== due.at) return;
          if (due.what === "timer") this.rules.close(Date.now());
          else await this.returnAll();
          await this.afterChange();
        })
        .catch((error: Error) => this.live.context.log.warn({ err: error.message }, "breakout timer failed"));
    }, Math.max(0, due.at - Date.now()));
  }

  /** Everyone back in the main room; a moderator's visit is not an assignment for the next round. */
  private async returnAll(): Promise<void> {
    await this.moveAll(this.rules.finish(this.live.members.keys()));
    const moderators = [...this.live.members.keys()].filter((id) => this.live.room.isModerator(id));
    this.rules.assign(new Map(moderators.map((id) => [id, null])));
  }

  private async moveAll(moves: Move[]): Promise<void> {
    for (const move of moves) await this.move(move);
  }

  /**
   * Moves one person's media: their screen share ends, their publisher and subscription leave
   * the old media room and new ones join the new room, with the same mute state.
   */
  private async move({ id, from, to }: Move): Promise<void> {
    const member = this.live.members.get(id);
    if (!member) return;
    const old = member.media;
    const fromMedia = this.mediaAt(from);
    if (await fromMedia.stopScreen(old)) this.live.deliver(this.live.room.update(id, { screen: false }));
    await fromMedia.remove(old);
    this.live.deliver(this.live.room.update(id, { publishing: false }));
    member.media = await this.mediaAt(to).add(id);
    member.media.allowed = { ...old.allowed };
  }

  /** A breakout's media room goes once nobody is in it (it is made again when someone comes); also after someone left. */
  async dropEmptyMedia(): Promise<void> {
    const used = new Set([...this.live.members.keys()].map((id) => this.rules.locationOf(id)));
    for (const [room, media] of this.media) {
      if (used.has(room)) continue;
      this.media.delete(room);
      await media.destroy();
    }
  }

  private announceRemoved(): void {
    const message = { type: "breakouts" as const, ...this.rules.snapshot([]), now: Date.now() };
    for (const member of this.live.members.values()) member.link.send(message);
  }
}
