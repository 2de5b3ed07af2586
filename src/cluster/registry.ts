/**
 * Which rooms exist, and how a connection reaches its room.
 *
 * The seam is LiveKit's router: `connect` takes a connection's `join` and
 * the link the room answers on, and returns the sink for the connection's
 * further messages. The caller never holds a room, so the room may live in
 * this process (LocalRoomRegistry) or, with several Treff nodes, on another
 * one, its messages carried over Redis; `createRoomRegistry` picks from the
 * configuration and nothing else needs to know which runs.
 */
import type { ClientMessageOf } from "../protocol/messages.js";
import type { ParticipantLink, RoomContext } from "../meeting/live-room.js";
import type { ParticipantSignal } from "../meeting/participant-session.js";
import { LocalRoomRegistry } from "./local-registry.js";

export type { ParticipantLink } from "../meeting/live-room.js";
export type { ParticipantSignal } from "../meeting/participant-session.js";

export interface RoomRegistry {
  /**
   * Starts a connection's part in the room `join` names. Everything the room says goes to
   * `link`; the connection's later messages go into the returned signal, in order.
   * `address`: the client's address group, for per-address limits only.
   */
  connect(join: ClientMessageOf<"join">, address: string, link: ParticipantLink): ParticipantSignal;
  /** Number of rooms with people in them (or in their lobby) on this node. */
  readonly size: number;
  /** Ends every room (e.g. the media server restarted, or the server stops). */
  shutdownAll(code: number, reason: string): Promise<void>;
}

export interface RegistryOptions {
  context: RoomContext;
  /** Rooms this node holds at most; a join that would open one more is refused with `server-busy`. */
  maxRooms: number;
}

/** The registry the configuration asks for: in memory (one node) today; Redis-backed with REDIS_URL later. */
export function createRoomRegistry(options: RegistryOptions): RoomRegistry {
  return new LocalRoomRegistry(options);
}
