/**
 * Which node a room lives on. The first person to arrive places it on the
 * least loaded node that takes rooms; it stays there while it runs (the
 * placement's TTL is renewed by that node); when that node is gone, the next
 * person to arrive places it again and the room starts on the new node with
 * the state its last run left (room-state.ts).
 *
 * Every change of a placement is one compare-and-set in Redis (a Lua script),
 * so two nodes placing the same room at the same moment agree on one.
 */
import type { Redis } from "ioredis";
import { redisKeys } from "./redis-keys.js";
import type { LiveNode } from "./node-registry.js";

/** How long a placement lives without renewal (the room's node renews it every few seconds). */
export const PLACEMENT_TTL_MS = 30_000;

/**
 * The node a new room goes to: among nodes whose media server is up, that are not draining and
 * have room for another meeting, the one with the fewest participants, then the fewest rooms;
 * on a tie the node the person reached (no relay hop), then the lowest id (all nodes agree).
 * Undefined when no node takes rooms.
 */
export function chooseNode(nodes: readonly LiveNode[], self: string): string | undefined {
  const candidates = nodes.filter((n) => n.mediaUp && !n.draining && n.rooms < n.maxRooms);
  candidates.sort(
    (a, b) =>
      a.participants - b.participants ||
      a.rooms - b.rooms ||
      Number(b.id === self) - Number(a.id === self) ||
      (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
  return candidates[0]?.id;
}

// KEYS[1]: the placement. ARGV[1]: the node it may be taken from ("" for none), ARGV[2]: the new
// node, ARGV[3]: TTL ms. Returns the node the room lives on afterwards.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if not current or current == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return ARGV[2]
end
return current`;

// Deletes the placement if it is still ARGV[1]'s.
const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

interface PlacementCommands {
  treffClaim(key: string, from: string, to: string, ttl: number): Promise<string>;
  treffRelease(key: string, owner: string): Promise<number>;
}

export class RoomPlacement {
  private readonly redis: Redis & PlacementCommands;

  constructor(redis: Redis) {
    redis.defineCommand("treffClaim", { numberOfKeys: 1, lua: CLAIM });
    redis.defineCommand("treffRelease", { numberOfKeys: 1, lua: RELEASE });
    this.redis = redis as Redis & PlacementCommands;
  }

  /** The node the room lives on now, if it is placed. */
  async current(roomId: string): Promise<string | undefined> {
    return (await this.redis.get(redisKeys.room(roomId))) ?? undefined;
  }

  /**
   * Places the room on `to` if it is not placed, or placed on `from` (a node that is gone, or
   * `to` itself: then this renews it); returns the node the room lives on afterwards.
   */
  claim(roomId: string, to: string, from?: string): Promise<string> {
    return this.redis.treffClaim(redisKeys.room(roomId), from ?? "", to, PLACEMENT_TTL_MS);
  }

  /** Gives the room up (it ended, or moves away), if it is still `owner`'s. */
  async release(roomId: string, owner: string): Promise<void> {
    await this.redis.treffRelease(redisKeys.room(roomId), owner);
  }
}
