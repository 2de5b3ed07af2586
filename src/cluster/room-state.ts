/**
 * The RoomRecovery of a node in a cluster: each running room's recoverable
 * state (src/meeting/recoverable-state.ts), sealed with the service's secret,
 * under the room's HMAC id with a TTL the room's node renews while the room
 * runs. When the room ends it is deleted; when its node dies it lives on for
 * STATE_TTL_MS, long enough for the room to start again elsewhere.
 */
import type { Redis } from "ioredis";
import type { RoomName } from "../protocol/messages.js";
import type { Logger } from "../common/log.js";
import { RecoverableState, type RoomRecovery } from "../meeting/recoverable-state.js";
import type { ClusterSecrets } from "./cluster-secrets.js";
import { redisKeys } from "./redis-keys.js";

/** How long a room's state outlives the last renewal by its node. */
export const STATE_TTL_MS = 30_000;

export class RoomStateStore implements RoomRecovery {
  constructor(
    private readonly redis: Redis,
    private readonly secrets: ClusterSecrets,
    private readonly log: Logger,
  ) {}

  async load(name: RoomName): Promise<RecoverableState | undefined> {
    const roomId = this.secrets.roomId(name);
    let sealed: string | null;
    try {
      sealed = await this.redis.get(redisKeys.state(roomId));
    } catch (error) {
      this.log.warn({ err: (error as Error).message }, "cannot read a room's state from Redis; the meeting starts afresh");
      return undefined;
    }
    if (!sealed) return undefined;
    const text = this.secrets.open(sealed, roomId);
    const parsed = text === undefined ? undefined : RecoverableState.safeParse(parseJson(text));
    if (!parsed?.success) {
      // Another secret, another version, or tampering: the meeting starts afresh rather than trusting it.
      this.log.warn("a room's state in Redis could not be opened or read; the meeting starts afresh");
      return undefined;
    }
    return parsed.data;
  }

  save(name: RoomName, state: RecoverableState): void {
    const roomId = this.secrets.roomId(name);
    this.redis
      .set(redisKeys.state(roomId), this.secrets.seal(JSON.stringify(state), roomId), "PX", STATE_TTL_MS)
      .catch((error: Error) => this.log.warn({ err: error.message }, "cannot save a room's state in Redis"));
  }

  /** Keeps a running room's state for another STATE_TTL_MS. */
  renew(name: RoomName): Promise<unknown> {
    return this.redis.pexpire(redisKeys.state(this.secrets.roomId(name)), STATE_TTL_MS);
  }

  /** The meeting ended: nothing of it stays. */
  discard(name: RoomName): void {
    this.redis.del(redisKeys.state(this.secrets.roomId(name))).catch((error: Error) => this.log.warn({ err: error.message }, "cannot delete a room's state in Redis"));
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
