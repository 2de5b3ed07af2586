/**
 * What a room needs to take its people back when it starts again elsewhere
 * (its node died, was drained, or lost its media server), and nothing more:
 * whom each resume-token hash brings back (participant id, role, moderator
 * key id), the moderator keys shut out, the run of the meeting (promoted
 * keys are bound to it), the settings and the password's scrypt hash.
 * No display name, no chat, no address: those come back with the people.
 *
 * With several nodes, src/cluster keeps this in Redis (RoomRecovery, passed
 * in through RoomContext); on a single node nothing uses it.
 */
import { z } from "zod";
import type { RoomName } from "../protocol/messages.js";
import type { PasswordHash } from "./password.js";
import type { Room } from "./room.js";
import type { Known } from "./room-context.js";

/** Bumped when the shape changes: a node that reads another version starts the meeting afresh. */
export const RECOVERABLE_STATE_VERSION = 1;

const KnownEntry = z.object({
  id: z.string().min(1).max(64),
  role: z.enum(["participant", "moderator"]),
  key: z.object({ grant: z.enum(["owner", "promoted"]), id: z.string().min(1).max(64) }).optional(),
});

export const RecoverableState = z.object({
  v: z.literal(RECOVERABLE_STATE_VERSION),
  /** The run of the meeting: promoted moderator keys stay valid in it. */
  instance: z.string().min(1).max(64),
  /** SHA-256 (hex) of each resume token still good, and whom it brings back. */
  known: z.array(z.tuple([z.string().regex(/^[0-9a-f]{64}$/), KnownEntry])).max(10_000),
  /** Moderator key ids demoted or removed in this run. */
  shutOut: z.array(z.string().min(1).max(64)).max(10_000),
  settings: z.object({ locked: z.boolean(), multipleShares: z.boolean(), e2eeRequired: z.boolean() }),
  /** How newcomers start (issue 13), when a moderator set it. */
  newcomers: z.object({ muteMicrophones: z.boolean(), cameraOff: z.boolean() }).optional(),
  /** The meeting password as its scrypt salt and hash (base64); never the password. */
  password: z.object({ salt: z.string().max(64), hash: z.string().max(128) }).optional(),
});
export type RecoverableState = z.infer<typeof RecoverableState>;

/** Keeps a room's recoverable state somewhere that outlives its node. */
export interface RoomRecovery {
  /** What the room's previous run left, if it was cut short; undefined for a new meeting. Never rejects. */
  load(room: RoomName): Promise<RecoverableState | undefined>;
  /** The state changed: keep it (in call order; failures are the store's to log). */
  save(room: RoomName, state: RecoverableState): void;
}

/** The parts of a live room the state is read from and written back to. */
export interface Recoverable {
  instance: string;
  readonly known: Map<string, Known>;
  readonly shutOut: Set<string>;
  readonly room: Room;
  password: PasswordHash | undefined;
}

export function captureState(live: Recoverable): RecoverableState {
  const { room, password } = live;
  return {
    v: RECOVERABLE_STATE_VERSION,
    instance: live.instance,
    known: [...live.known].map(([hash, { id, role, key }]) => [hash, { id, role, ...(key ? { key: { ...key } } : {}) }]),
    shutOut: [...live.shutOut],
    settings: { locked: room.isLocked, multipleShares: room.allowsMultipleShares, e2eeRequired: room.requiresE2ee },
    ...(room.newcomerDefaults.muteMicrophones || room.newcomerDefaults.cameraOff ? { newcomers: room.newcomerDefaults } : {}),
    ...(password ? { password: { salt: password.salt.toString("base64"), hash: password.hash.toString("base64") } } : {}),
  };
}

/** Puts a state back into a room that nobody has entered yet. */
export function restoreState(live: Recoverable, state: RecoverableState): void {
  live.instance = state.instance;
  for (const [hash, known] of state.known) live.known.set(hash, { ...known, ...(known.key ? { key: { ...known.key } } : {}) });
  for (const id of state.shutOut) live.shutOut.add(id);
  live.password = state.password ? { salt: Buffer.from(state.password.salt, "base64"), hash: Buffer.from(state.password.hash, "base64") } : undefined;
  // Nobody is in the room yet, so this tells no one.
  live.room.setState({ ...state.settings, passwordSet: state.password !== undefined });
  if (state.newcomers) live.room.setNewcomerDefaults(state.newcomers);
}

/**
 * One room's link to its RoomRecovery: loads the state once before anyone
 * enters, then saves it whenever it differs from what was last loaded or
 * saved (the room calls `keep` after each operation of its queue, where
 * every change to it happens).
 */
export class StateKeeper {
  private last = "";

  constructor(
    private readonly live: Recoverable,
    private readonly name: RoomName,
    private readonly recovery: RoomRecovery,
  ) {}

  async restore(): Promise<void> {
    const state = await this.recovery.load(this.name);
    if (state) restoreState(this.live, state);
    // A fresh room is not worth saving until someone is in it.
    this.last = JSON.stringify(captureState(this.live));
  }

  keep(): void {
    const state = captureState(this.live);
    const text = JSON.stringify(state);
    if (text === this.last) return;
    this.last = text;
    this.recovery.save(this.name, state);
  }
}
