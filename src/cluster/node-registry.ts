/**
 * The nodes of one Treff service, as Redis knows them: each node writes its
 * load and state under its own key with a short TTL and renews it every
 * heartbeat, so a node that stops (crash, power cut, lost network) drops
 * out of the list within NODE_TTL_MS by itself.
 *
 * A killed process is noticed faster than that: its Redis connections close
 * at once, so its relay inbox has no subscriber any more (signal-relay.ts
 * checks that); such a node is remembered here as gone.
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import { redisKeys } from "./redis-keys.js";

/** How often a node renews its entry, and how long an entry lives without renewal. */
export const HEARTBEAT_MS = 1_000;
export const NODE_TTL_MS = 3_000;
/** A node seen gone stays gone this long in this process's memory (its entry expires meanwhile). */
const GONE_MEMORY_MS = 30_000;
/** The node list's own key outlives the last heartbeat by this much, then nothing is left. */
const LIST_TTL_MS = 60_000;

/** What a node tells the others about itself. No room name, no person, no address. */
export const NodeStatus = z.object({
  v: z.literal(1),
  /** Rooms with people in them (or in their lobby) on this node. */
  rooms: z.number().int().min(0),
  /** People in those meetings (each costs a publisher and a subscriber at the media server). */
  participants: z.number().int().min(0),
  /** Those of them whose camera and microphone reach the media server. */
  publishers: z.number().int().min(0),
  /** People waiting in those meetings' lobbies. */
  waiting: z.number().int().min(0),
  /** The machine's one-minute load average per core. */
  cpuLoad: z.number().min(0),
  /** Rooms this node may hold at most. */
  maxRooms: z.number().int().min(0),
  /** It takes no new rooms (SIGTERM): the meetings on it finish or move. */
  draining: z.boolean(),
  /** Its media server is up. */
  mediaUp: z.boolean(),
});
export type NodeStatus = z.infer<typeof NodeStatus>;

export interface LiveNode extends NodeStatus {
  id: string;
}

export class NodeRegistry {
  private readonly gone = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: Redis,
    readonly id: string,
    private readonly status: () => NodeStatus,
    private readonly onError: (error: Error) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Announces this node, then keeps renewing the announcement. */
  async start(): Promise<void> {
    await this.announce();
    this.timer = setInterval(() => void this.announce().catch(this.onError), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Writes this node's status now (also right after it changes, e.g. when draining starts). */
  async announce(): Promise<void> {
    await this.redis
      .multi()
      .set(redisKeys.node(this.id), JSON.stringify(this.status()), "PX", NODE_TTL_MS)
      .sadd(redisKeys.nodes, this.id)
      .pexpire(redisKeys.nodes, LIST_TTL_MS)
      .exec();
  }

  /** Removes this node at once (a clean stop), so nobody waits for its entry to expire. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.multi().del(redisKeys.node(this.id)).srem(redisKeys.nodes, this.id).exec();
  }

  /** Every node that is up now, this one included, with its status. */
  async live(): Promise<LiveNode[]> {
    const ids = (await this.redis.smembers(redisKeys.nodes)).filter((id) => !this.isGone(id));
    if (ids.length === 0) return [];
    const entries = await this.redis.mget(ids.map(redisKeys.node));
    const nodes: LiveNode[] = [];
    const expired: string[] = [];
    ids.forEach((id, i) => {
      const status = parseStatus(entries[i] ?? null);
      if (status) nodes.push({ id, ...status });
      else if (entries[i] == null) expired.push(id);
    });
    if (expired.length > 0) await this.redis.srem(redisKeys.nodes, ...expired);
    return nodes;
  }

  /** Whether a node is up: not seen gone here, and its entry has not expired. */
  async isAlive(id: string): Promise<boolean> {
    if (id === this.id) return true;
    if (this.isGone(id)) return false;
    return (await this.redis.exists(redisKeys.node(id))) === 1;
  }

  /** Remembers that a node is gone (its inbox lost its subscriber), before its entry expires. */
  markGone(id: string): void {
    if (id !== this.id) this.gone.set(id, this.now());
  }

  isGone(id: string): boolean {
    const since = this.gone.get(id);
    if (since === undefined) return false;
    if (this.now() - since < GONE_MEMORY_MS) return true;
    this.gone.delete(id);
    return false;
  }
}

function parseStatus(text: string | null): NodeStatus | undefined {
  if (!text) return undefined;
  try {
    const parsed = NodeStatus.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
