/**
 * Which rooms exist, and how a connection reaches its room.
 *
 * The seam is LiveKit's router: `connect` takes a connection's `join` and
 * the link the room answers on, and returns the sink for the connection's
 * further messages. The caller never holds a room, so the room may live in
 * this process (LocalRoomRegistry) or, with several Treff nodes, on another
 * one, its messages carried over Redis (RedisRoomRegistry, which embeds a
 * LocalRoomRegistry for the rooms placed here); `createRoomRegistry` picks
 * from the configuration and nothing else needs to know which runs.
 */
import type { ClientMessageOf, RoomName } from "../protocol/messages.js";
import type { ParticipantLink, RoomContext } from "../meeting/live-room.js";
import type { ParticipantSignal } from "../meeting/participant-session.js";
import { LocalRoomRegistry } from "./local-registry.js";
import { RedisRoomRegistry } from "./redis-registry.js";

export type { ParticipantLink } from "../meeting/live-room.js";
export type { ParticipantSignal } from "../meeting/participant-session.js";

/** What runs on this node now: for its load in the cluster and for /metrics. */
export interface RegistryStats {
  /** Rooms with people in them (or in their lobby). */
  rooms: number;
  /** People in those meetings. */
  participants: number;
  /** Those of them whose camera and microphone reach the media server. */
  publishers: number;
  /** People waiting in those meetings' lobbies. */
  waiting: number;
}

export interface RoomRegistry {
  /**
   * Starts a connection's part in the room `join` names. Everything the room says goes to
   * `link`; the connection's later messages go into the returned signal, in order.
   * `address`: the client's address group, for per-address limits only.
   */
  connect(join: ClientMessageOf<"join">, address: string, link: ParticipantLink): ParticipantSignal;
  /**
   * Whether a moderator records in the meeting `name` now (issue 16), for the pre-join screen;
   * false when it does not run. Never rejects.
   */
  recording(name: RoomName): Promise<boolean>;
  /** Number of rooms with people in them (or in their lobby) on this node. */
  readonly size: number;
  stats(): RegistryStats;
  /** Whatever the registry needs before the first connection (a no-op in memory). */
  start(): Promise<void>;
  /**
   * Ends every room on this node (e.g. the media server restarted, or the server stops). With
   * several nodes the meetings start again elsewhere and their people rejoin.
   */
  shutdownAll(code: number, reason: string): Promise<void>;
  /**
   * Takes no new rooms; resolves once nobody uses this node any more, or after `deadlineMs`,
   * when the meetings still here move to other nodes (their people rejoin there). In memory
   * there is nowhere to move them: resolves at once, and stopping ends them as before.
   */
  drain(deadlineMs: number): Promise<void>;
  /** Releases what `start` took. */
  close(): Promise<void>;
}

/** With several nodes: how they find each other. */
export interface ClusterOptions {
  redisUrl: string;
  /** TREFF_SECRET, shared by all nodes: room ids, address ids and the sealed room state come from it. */
  secret: Buffer;
}

export interface RegistryOptions {
  context: RoomContext;
  /** Rooms this node holds at most; a join that would open one more is refused with `server-busy`. */
  maxRooms: number;
  cluster?: ClusterOptions;
}

/** The registry the configuration asks for: in memory (one node), or Redis-backed with REDIS_URL. */
export function createRoomRegistry(options: RegistryOptions): RoomRegistry {
  return options.cluster ? new RedisRoomRegistry({ ...options, cluster: options.cluster }) : new LocalRoomRegistry(options);
}
