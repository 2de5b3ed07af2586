/**
 * Which rooms exist, by name. The single-machine registry keeps them in
 * memory; a Redis-backed registry for several Treff nodes will implement
 * the same interface, so nothing else needs to know which one runs.
 */
import type { Admission, JoinRequest, RoomContext } from "../server/live-room.js";
import { LiveRoom, RoomClosedError } from "../server/live-room.js";
import type { RoomName } from "../protocol/messages.js";

export interface RoomRegistry {
  /** Joins the named room (or its lobby), creating the room if nobody is in it. */
  join(name: RoomName, request: JoinRequest): Promise<{ room: LiveRoom; admission: Admission }>;
  /** Number of rooms with people in them (or in their lobby). */
  readonly size: number;
  /** Ends every room (e.g. the media server restarted). */
  shutdownAll(code: number, reason: string): Promise<void>;
}

export class LocalRoomRegistry implements RoomRegistry {
  private readonly rooms = new Map<RoomName, LiveRoom>();

  constructor(private readonly context: RoomContext) {}

  get size(): number {
    return this.rooms.size;
  }

  async join(name: RoomName, request: JoinRequest) {
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

  async shutdownAll(code: number, reason: string): Promise<void> {
    await Promise.all([...this.rooms.values()].map((room) => room.shutdown(code, reason)));
  }

  private roomNamed(name: RoomName): LiveRoom {
    let room = this.rooms.get(name);
    if (!room || room.isClosed) {
      const created: LiveRoom = new LiveRoom(name, this.context, () => {
        if (this.rooms.get(name) === created) this.rooms.delete(name);
      });
      room = created;
      this.rooms.set(name, room);
    }
    return room;
  }
}
