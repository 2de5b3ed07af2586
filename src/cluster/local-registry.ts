/**
 * The single-node registry: rooms live in this process, in memory, by name.
 * With several nodes, RedisRoomRegistry embeds one for the rooms placed here.
 */
import type { ClientMessageOf, RoomName } from "../protocol/messages.js";
import { LiveRoom, type JoinRequest, type ParticipantLink } from "../meeting/live-room.js";
import { ParticipantSession, type ParticipantSignal } from "../meeting/participant-session.js";
import { RefusedError, RoomClosedError } from "../meeting/errors.js";
import type { RegistryOptions, RegistryStats, RoomRegistry } from "./registry.js";

export interface LocalRegistryHooks {
  /**
   * A room here closed. `ended`: its meeting ended (the last person left, or it was ended); false
   * when it closed because nobody it was opened for got in (a refused first join).
   */
  closed?(name: RoomName, ended: boolean): void;
}

export class LocalRoomRegistry implements RoomRegistry {
  private readonly rooms = new Map<RoomName, LiveRoom>();
  /** Rooms closing because the join that opened them was refused. */
  private readonly abandoned = new WeakSet<LiveRoom>();

  constructor(
    private readonly options: RegistryOptions,
    private readonly hooks: LocalRegistryHooks = {},
  ) {}

  get size(): number {
    return this.rooms.size;
  }

  stats(): RegistryStats {
    const stats: RegistryStats = { rooms: this.rooms.size, participants: 0, publishers: 0, waiting: 0 };
    for (const live of this.rooms.values()) {
      stats.participants += live.members.size;
      stats.waiting += live.waiters.size;
      stats.publishers += live.room.list().filter((p) => p.publishing).length;
    }
    return stats;
  }

  connect(join: ClientMessageOf<"join">, address: string, link: ParticipantLink): ParticipantSignal {
    return new ParticipantSession(join.room, join, address, link, (request) => this.join(join.room, request), this.options.context.log);
  }

  async recording(name: RoomName): Promise<boolean> {
    const live = this.rooms.get(name);
    return !!live && !live.isClosed && live.room.recordingBy !== null;
  }

  /** The live room of that name, if it is running here. */
  room(name: RoomName): LiveRoom | undefined {
    return this.rooms.get(name);
  }

  /** Every room running here, by name. */
  entries(): [RoomName, LiveRoom][] {
    return [...this.rooms];
  }

  async start(): Promise<void> {}

  async shutdownAll(code: number, reason: string): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.shutdown(code, reason)));
  }

  async drain(): Promise<void> {}

  async close(): Promise<void> {}

  private async join(name: RoomName, request: JoinRequest) {
    // A room can close between our lookup and our turn in its queue; then a fresh one takes its place.
    for (;;) {
      const room = this.roomNamed(name);
      try {
        return { room, admission: await room.join(request) };
      } catch (error) {
        if (!(error instanceof RoomClosedError)) {
          // Refused before anyone got in: an empty room must not linger.
          if (room.room.isEmpty) this.abandon(room);
          throw error;
        }
      }
    }
  }

  private abandon(room: LiveRoom): void {
    void room.queue.run(async () => {
      if (!room.room.isEmpty || room.isClosed) return;
      this.abandoned.add(room);
      await room.closeIfEmpty();
    });
  }

  private roomNamed(name: RoomName): LiveRoom {
    const existing = this.rooms.get(name);
    if (existing && !existing.isClosed) return existing;
    if (this.rooms.size >= this.options.maxRooms && !existing) {
      throw new RefusedError("server-busy", "this server holds as many meetings as it may; try again later");
    }
    const created: LiveRoom = new LiveRoom(name, this.options.context, () => {
      if (this.rooms.get(name) !== created) return;
      this.rooms.delete(name);
      this.hooks.closed?.(name, !this.abandoned.has(created));
    });
    this.rooms.set(name, created);
    return created;
  }
}
