/**
 * The registry of a node in a cluster (REDIS_URL): several Treff nodes, each
 * with its own Janus, behind any load balancer, as one service.
 *
 * A room lives on one node (placement.ts), chosen by load when its first
 * person arrives. A person may reach any node: if their room lives here,
 * the embedded LocalRoomRegistry takes them; if it lives elsewhere, their
 * signaling is relayed over Redis (signal-relay.ts). While a room runs, what
 * it needs to take its people back is kept in Redis (room-state.ts); when
 * its node dies or is drained, the next person to arrive places it again and
 * it starts on another node with that state, so people come back with their
 * resume tokens, roles and keys without knocking again.
 */
import { randomBytes } from "node:crypto";
import { availableParallelism, loadavg } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { Redis } from "ioredis";
import { CloseCode, type ClientMessageOf, type RoomName } from "../protocol/messages.js";
import type { Logger } from "../common/log.js";
import { TokenBucket } from "../common/token-bucket.js";
import { RefusedError } from "../meeting/errors.js";
import type { ClusterOptions, ParticipantLink, ParticipantSignal, RegistryOptions, RegistryStats, RoomRegistry } from "./registry.js";
import { LocalRoomRegistry } from "./local-registry.js";
import { ClusterSecrets } from "./cluster-secrets.js";
import { NodeRegistry, type LiveNode, type NodeStatus } from "./node-registry.js";
import { RoomPlacement, chooseNode } from "./placement.js";
import { RoomStateStore } from "./room-state.js";
import { MOVED_REASON, SignalRelay } from "./signal-relay.js";
import { redisKeys } from "./redis-keys.js";
import { PendingSignal } from "./pending-signal.js";

/** How often this node renews the placement and state of the rooms it runs. */
const RENEW_MS = 5_000;
/** Placements tried for one connection before it is told to try again (each try finds a node gone). */
const ROUTE_ATTEMPTS = 3;
/** How long the start waits for Redis. */
const CONNECT_TIMEOUT_MS = 10_000;

export class RedisRoomRegistry implements RoomRegistry {
  /** Random per process start: a restarted node is a new node. */
  readonly nodeId = randomBytes(9).toString("base64url");
  private readonly redis: Redis;
  private readonly subscriber: Redis;
  private readonly secrets: ClusterSecrets;
  private readonly local: LocalRoomRegistry;
  private readonly nodes: NodeRegistry;
  private readonly placement: RoomPlacement;
  private readonly states: RoomStateStore;
  private readonly relay: SignalRelay;
  private readonly log: Logger;
  private readonly logBudget = new TokenBucket(5, 0.1);
  /** Rooms being moved away: their state stays in Redis for the node they move to. */
  private readonly moving = new Set<RoomName>();
  private draining = false;
  /** Rooms here whose recording is marked in Redis (so a stop deletes the mark). */
  private readonly recordingMarked = new Set<RoomName>();
  /** Past the drain deadline, or stopping: the rooms here are moving away and no room may start here. */
  private evacuating = false;
  private drainUntil = Infinity;
  private drained: Promise<void> | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private lastRedisError: Error | undefined;

  constructor(private readonly options: RegistryOptions & { cluster: ClusterOptions }) {
    this.log = options.context.log;
    this.secrets = new ClusterSecrets(options.cluster.secret);
    this.redis = new Redis(options.cluster.redisUrl, { lazyConnect: true, connectionName: `treff-${this.nodeId}`, maxRetriesPerRequest: 3 });
    this.subscriber = this.redis.duplicate({ connectionName: `treff-${this.nodeId}-inbox` });
    for (const connection of [this.redis, this.subscriber]) {
      connection.on("error", (error: Error) => {
        this.lastRedisError = error;
        this.warn("Redis connection", error);
      });
    }
    this.states = new RoomStateStore(this.redis, this.secrets, this.log);
    this.local = new LocalRoomRegistry(
      { ...options, context: { ...options.context, recovery: this.states } },
      { closed: (name, ended) => this.roomClosed(name, ended) },
    );
    this.nodes = new NodeRegistry(this.redis, this.nodeId, () => this.status(), (error) => this.warn("node heartbeat", error));
    this.placement = new RoomPlacement(this.redis);
    this.relay = new SignalRelay(this.redis, this.subscriber, this.nodeId, {
      accept: (join, addressId, link) => this.accept(join, addressId, link),
      peerGone: (node) => this.peerGone(node),
    }, this.log);
  }

  get size(): number {
    return this.local.size;
  }

  stats(): RegistryStats {
    return this.local.stats();
  }

  async start(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_TIMEOUT_MS / 1000} s`)), CONNECT_TIMEOUT_MS);
    });
    try {
      await Promise.race([Promise.all([this.redis.connect(), this.subscriber.connect()]), timeout]);
    } catch (error) {
      // Stop ioredis' reconnecting: the server does not start.
      this.redis.disconnect();
      this.subscriber.disconnect();
      throw new Error(`cannot reach Redis (REDIS_URL): ${(this.lastRedisError ?? (error as Error)).message}`);
    } finally {
      clearTimeout(timer);
    }
    await this.relay.start();
    await this.nodes.start();
    this.renewTimer = setInterval(() => void this.renewRooms().catch((error: Error) => this.warn("renewing rooms", error)), RENEW_MS);
    this.renewTimer.unref();
    this.log.info({ node: this.nodeId }, "joined the cluster");
  }

  connect(join: ClientMessageOf<"join">, address: string, link: ParticipantLink): ParticipantSignal {
    const pending = new PendingSignal();
    // Every node sees the address group only as an HMAC, here too, so limits agree across paths.
    const addressId = this.secrets.addressId(address);
    this.route(join, addressId, link, pending).catch((error: unknown) => {
      pending.drop();
      if (!(error instanceof RefusedError)) this.warn("routing a connection", error as Error);
      link.send({ type: "error", code: "server-busy", message: "the meeting cannot be reached right now; try again shortly", inReplyTo: "join" });
      link.close(CloseCode.tryAgainLater, "try again");
    });
    return pending;
  }

  /** A room here answers itself; elsewhere, its node marks a recording in Redis when it renews the room (within RENEW_MS). */
  async recording(name: RoomName): Promise<boolean> {
    if (this.local.room(name)) return this.local.recording(name);
    return (await this.redis.exists(redisKeys.recording(this.secrets.roomId(name))).catch(() => 0)) === 1;
  }

  async shutdownAll(code: number, reason: string): Promise<void> {
    await this.moveAway(code, reason);
  }

  drain(deadlineMs: number): Promise<void> {
    this.drainUntil = Math.min(this.drainUntil, Date.now() + deadlineMs);
    this.drained ??= (async () => {
      this.draining = true;
      await this.nodes.announce().catch((error: Error) => this.warn("announcing the drain", error));
      this.log.info({ node: this.nodeId }, "draining: no new rooms here; meetings here finish or move");
      while (Date.now() < this.drainUntil && (this.local.size > 0 || this.relay.outgoingCount > 0)) {
        await sleep(Math.min(250, Math.max(1, this.drainUntil - Date.now())));
      }
      this.evacuating = true;
      const moved = this.local.size;
      await this.moveAway(CloseCode.mediaRestart, MOVED_REASON);
      // People whose rooms run elsewhere reconnect through another node.
      this.relay.reset();
      if (moved > 0) this.log.info({ rooms: moved }, "drained: moved the remaining meetings to other nodes");
    })();
    return this.drained;
  }

  async close(): Promise<void> {
    this.evacuating = true;
    clearInterval(this.renewTimer);
    if (!this.renewTimer) {
      // Never started (Redis unreachable): nothing to withdraw.
      this.redis.disconnect();
      this.subscriber.disconnect();
      return;
    }
    this.relay.reset(CloseCode.goingAway, "server shutting down");
    await this.relay.stop();
    await this.nodes.stop().catch(() => {});
    await Promise.all([this.redis.quit(), this.subscriber.quit()].map((quit) => quit.catch(() => {})));
  }

  // --- routing -----------------------------------------------------------------

  /** Finds the room's node and opens the connection's signal there: here, or through the relay. */
  private async route(join: ClientMessageOf<"join">, addressId: string, link: ParticipantLink, pending: PendingSignal): Promise<void> {
    const roomId = this.secrets.roomId(join.room);
    for (let attempt = 0; attempt < ROUTE_ATTEMPTS; attempt++) {
      if (pending.closed) return;
      const node = await this.place(join.room, roomId);
      if (pending.closed) return;
      if (node === this.nodeId) return pending.bind(this.local.connect(join, addressId, link));
      const relayed = await this.relay.open(node, join, addressId, link);
      if (relayed) return pending.bind(relayed);
      this.peerGone(node);
    }
    throw new Error("no node took the meeting");
  }

  /** The node the room lives on: where it is placed if that node is up and keeps it, else a new choice. */
  private async place(name: RoomName, roomId: string): Promise<string> {
    const current = await this.placement.current(roomId);
    if (current === this.nodeId) {
      // A draining node keeps its meetings until they end; one without media or moving away does not.
      if (this.takesRooms && (!this.draining || this.local.room(name))) return current;
    } else if (current && (await this.nodes.isAlive(current))) {
      return current;
    }
    const chosen = chooseNode(await this.liveNodes(), this.nodeId);
    if (!chosen) throw new RefusedError("server-busy", "no server can take this meeting now");
    return this.placement.claim(roomId, chosen, current);
  }

  /** Room side of the relay: a connection from another node for a room that should live here. */
  private async accept(join: ClientMessageOf<"join">, addressId: string, link: ParticipantLink): Promise<ParticipantSignal | undefined> {
    const roomId = this.secrets.roomId(join.room);
    const running = this.local.room(join.room) !== undefined;
    let ours = running && this.takesRooms;
    if (!running && this.takesRooms && !this.draining) ours = (await this.placement.claim(roomId, this.nodeId)) === this.nodeId;
    if (!ours) {
      // Not (or no longer) here: the edge places the room again when the browser reconnects.
      if (!running) await this.placement.release(roomId, this.nodeId).catch(() => {});
      link.close(CloseCode.mediaRestart, MOVED_REASON);
      return undefined;
    }
    return this.local.connect(join, addressId, link);
  }

  /** This node's media server is up and it is not moving its rooms away. */
  private get takesRooms(): boolean {
    return !this.evacuating && this.options.context.mediaPlane.available;
  }

  private async liveNodes(): Promise<LiveNode[]> {
    // This node's own entry fresh, not as last announced.
    const others = (await this.nodes.live()).filter((n) => n.id !== this.nodeId);
    return [...others, { id: this.nodeId, ...this.status() }];
  }

  private status(): NodeStatus {
    return {
      v: 1,
      ...this.local.stats(),
      cpuLoad: loadavg()[0]! / availableParallelism(),
      maxRooms: this.options.maxRooms,
      draining: this.draining || this.evacuating,
      mediaUp: this.options.context.mediaPlane.available,
    };
  }

  // --- rooms here ----------------------------------------------------------------

  /** Keeps the placement and state of every room here alive; a room another node took over meanwhile goes there. */
  private async renewRooms(): Promise<void> {
    for (const [name, live] of this.local.entries()) {
      if (this.moving.has(name)) continue;
      const roomId = this.secrets.roomId(name);
      const owner = await this.placement.claim(roomId, this.nodeId, this.nodeId);
      if (owner === this.nodeId) {
        await this.states.renew(name);
        // Recording (issue 16): marked for pre-join screens on other nodes; it lapses soon after it stops.
        if (live.room.recordingBy !== null) {
          await this.redis.set(redisKeys.recording(roomId), "1", "PX", 2 * RENEW_MS);
          this.recordingMarked.add(name);
        } else if (this.recordingMarked.delete(name)) await this.redis.del(redisKeys.recording(roomId));
        continue;
      }
      // Redis lost us for a while and another node started the room with its state: ours must go.
      this.moving.add(name);
      await live.shutdown(CloseCode.mediaRestart, MOVED_REASON);
    }
  }

  /** Ends the rooms here so they start again elsewhere: placements given up first, state kept. */
  private async moveAway(code: number, reason: string): Promise<void> {
    const rooms = this.local.entries();
    for (const [name] of rooms) this.moving.add(name);
    await Promise.all(rooms.map(([name]) => this.placement.release(this.secrets.roomId(name), this.nodeId).catch(() => {})));
    await Promise.all(rooms.map(([, live]) => live.shutdown(code, reason)));
  }

  private roomClosed(name: RoomName, ended: boolean): void {
    if (this.recordingMarked.delete(name)) void this.redis.del(redisKeys.recording(this.secrets.roomId(name))).catch(() => {});
    if (this.moving.delete(name)) return;
    void this.placement.release(this.secrets.roomId(name), this.nodeId).catch((error: Error) => this.warn("releasing a room", error));
    if (ended) this.states.discard(name);
  }

  private peerGone(node: string): void {
    if (!this.nodes.isGone(node)) this.log.info({ node }, "a node is gone; its meetings start again on the others");
    this.nodes.markGone(node);
    this.relay.peerGone(node);
  }

  private warn(what: string, error: Error): void {
    if (this.logBudget.take()) this.log.warn({ err: error.message }, what);
  }
}
