/**
 * Every key and channel Treff uses in Redis, in one place (docs/scaling.md
 * lists them with their lifetimes). Room ids are HMACs of room names
 * (cluster-secrets.ts); node ids are random per process start.
 */
const PREFIX = "treff:";

export const redisKeys = {
  /** Set of node ids, for listing; a member whose node key has expired is a node that is gone. */
  nodes: `${PREFIX}nodes`,
  /** A node's load and state (JSON), with a short TTL its heartbeat renews. */
  node: (nodeId: string) => `${PREFIX}node:${nodeId}`,
  /** Pub/sub channel: signaling relayed to and from this node. */
  inbox: (nodeId: string) => `${PREFIX}inbox:${nodeId}`,
  /** The node a room lives on, while it runs. */
  room: (roomId: string) => `${PREFIX}room:${roomId}`,
  /** Present while a moderator records in the room (issue 16), for pre-join screens on other nodes. */
  recording: (roomId: string) => `${PREFIX}recording:${roomId}`,
  /** A room's recoverable state, sealed, while it runs. */
  state: (roomId: string) => `${PREFIX}state:${roomId}`,
};
