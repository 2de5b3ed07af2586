/**
 * The single-node registry: rooms live in this process, in memory, by name.
 */
import type { ClientMessageOf, RoomName } from "../protocol/messages.js";
import { LiveRoom, type JoinRequest, type ParticipantLink } from "../meeting/live-room.js";
import { ParticipantSession, type ParticipantSignal } from "../meeting/participant-session.js";
import { RefusedError, RoomClosedError } from "../meeting/errors.js";
import type { RegistryOptions, RoomRegistry } from "./registry.js";

export class LocalRoomRegistry implements RoomRegistry {
  private readonly rooms = new Map<RoomName, LiveRoom>();

  constructor(private readonly options: RegistryOptions) {}

  get size(): number {
    return this.rooms.size;
  }

  connect(join: ClientMessageOf<"join">, address: string, link: ParticipantLink): ParticipantSignal {
    return new ParticipantSession(join.room, join, address, link, (request) => this.join(join.room, request), this.options.context.log);
  }

  /** The live room of that name, if it is running here (for tests and metrics). */
  room(name: RoomName): LiveRoom | undefined {
    return this.rooms.get(name);
  }

  async shutdownAll(code: number, reason: string): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.shutdown(code, reason)));
  }

  private async join(name: RoomName, request: JoinRequest) {
    // A room can close between our lookup and our turn in its queue; then a fresh one takes its place.
    for (;;) {
      const room = this.roomNamed(name);
      try {
        return { room, admission: await room.join(request) };
      } catch (error) {
        if (!(error instanceof RoomClosedError)) throw error;
      }
    }
  }

  private roomNamed(name: RoomName): LiveRoom {
    const existing = this.rooms.get(name);
    if (existing && !existing.isClosed) return existing;
    if (this.rooms.size >= this.options.maxRooms && !existing) {
      throw new RefusedError("server-busy", "this server holds as many meetings as it may; try again later");
    }
    const created: LiveRoom = new LiveRoom(name, this.options.context, () => {
      if (this.rooms.get(name) === created) this.rooms.delete(name);
    });
    this.rooms.set(name, created);
    return created;
  }
}
