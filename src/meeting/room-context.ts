/**
 * The vocabulary the live room shares with its parts (moderation.ts,
 * participant-session.ts) and with the registry: who is in a room and how
 * they are reached, what a room needs from the server, and what a join asks
 * and gets. Types only.
 */
import type { IceServer, ParticipantId, PublicKey, Role, ServerMessage } from "../protocol/messages.js";
import type { Logger } from "../common/log.js";
import type { KeyedBuckets } from "../common/per-key.js";
import type { MediaPlane } from "../media/media-plane.js";
import type { PasswordAttempts } from "./attempts.js";
import type { ModeratorGrant, ModeratorKeys } from "./moderator-keys.js";
import type { MemberMedia } from "./room-media.js";
import type { RoomRecovery } from "./recoverable-state.js";

/** What a room needs from a person's connection. */
export interface ParticipantLink {
  send(message: ServerMessage): void;
  /** Ends the connection (e.g. replaced by a newer one of the same participant). */
  close(code: number, reason: string): void;
}

/** A participant the room knows, as returned to its connection. */
export interface Member {
  readonly id: ParticipantId;
  readonly link: ParticipantLink;
  /** Replaced when the person moves between the main room and a breakout room (breakout-rooms.ts). */
  media: MemberMedia;
  /** The moderator key this person holds here (its id is what demotion and removal shut out). */
  key?: { grant: ModeratorGrant; id: string };
}

/** Room rules the operator sets for the whole server. */
export interface RoomPolicy {
  /** Guests wait in a lobby (server default). */
  lobby: boolean;
  /** Browsers encrypt end to end: "required" refuses every browser that cannot, in every meeting. */
  e2ee: "off" | "on" | "required";
  /** People who may wait in one lobby at once. */
  maxWaiting: number;
  /** How long an owner's moderator key stays valid; every entry with it renews it for as long. */
  ownerKeyLifetimeMs: number;
  /** How long a promoted moderator's key stays valid at most (it dies with the meeting anyway). */
  promotedKeyLifetimeMs: number;
  /** Wrong passwords a meeting takes per minute from everyone together (a botnet guesses from many addresses). */
  roomPasswordAttempts: number;
}

/** What every room of a server shares. */
export interface RoomContext {
  mediaPlane: MediaPlane;
  log: Logger;
  moderatorKeys: ModeratorKeys;
  policy: RoomPolicy;
  /** Wrong passwords per client address (a whole IPv6 /64 counts as one), server-wide. */
  passwordAttempts: PasswordAttempts;
  /** STUN/TURN servers with fresh credentials, for each `joined`. */
  iceServers: () => IceServer[];
  /** Knocks per client address group, server-wide: one network cannot fill every lobby. */
  knocks: KeyedBuckets;
  /**
   * Where a room keeps what it needs to take its people back if it must start again on another
   * node (src/cluster/room-state.ts). Absent on a single node: nothing outlives the room.
   */
  recovery?: RoomRecovery;
}

export interface JoinRequest {
  link: ParticipantLink;
  name: string;
  resumeToken?: string;
  moderatorKey?: string;
  password?: string;
  /** The browser's E2EE identity key; absent when it cannot encrypt end to end. */
  publicKey?: PublicKey;
  /** The client's address group, only for limiting password attempts; never stored or logged. */
  address: string;
}

/** A join in progress: `entered` settles when the person is in (at once, or once admitted). */
export interface Admission {
  entered: Promise<Member>;
  /** Whether the person waits in the lobby (entered settles when a moderator decides). */
  waiting: boolean;
  /** Gives up waiting in the lobby (the connection closed); `forget`: they left on purpose (see LiveRoom.leave). */
  cancel(forget?: boolean): void;
}

/** Someone in the lobby, with the promise their connection waits on. */
export interface Waiter {
  id: ParticipantId;
  name: string;
  publicKey: PublicKey | undefined;
  link: ParticipantLink;
  admit(member: Member): void;
  refuse(error: Error): void;
}

/** Who came in before, by the hash of their latest resume token: a reload keeps id, role and key. */
export interface Known {
  id: ParticipantId;
  role: Role;
  key?: Member["key"];
}
