/**
 * Signaling between nodes over Redis pub/sub: a connection whose WebSocket
 * ends on one node (its edge) and whose room runs on another is carried as
 * envelopes (relay-envelope.ts) through each node's inbox channel.
 *
 * On the edge the connection gets a ParticipantSignal that publishes to the
 * room's node; on the room's node the room gets a ParticipantLink that
 * publishes back. Neither the edge's signaling nor the room can tell.
 *
 * A peer that is gone is noticed three ways: a PUBLISH that reached nobody
 * (a killed process's subscription vanishes with its connection), a check
 * every PEER_CHECK_MS of each peer's inbox and node entry, and our own
 * subscription dropping (messages may have been lost). Then every relayed
 * connection with that peer ends: the edge closes its WebSocket with 1012,
 * so the browser reconnects and resumes wherever the room lives next; the
 * room's node lets the participant go as if their connection had closed.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { CloseCode, type ClientMessageOf } from "../protocol/messages.js";
import type { Logger } from "../common/log.js";
import { TokenBucket } from "../common/token-bucket.js";
import type { ParticipantLink, ParticipantSignal } from "./registry.js";
import { PendingSignal } from "./pending-signal.js";
import { decodeEnvelope, encodeEnvelope, type Envelope } from "./relay-envelope.js";
import { redisKeys } from "./redis-keys.js";

/** How often the peers this node relays for are checked. */
export const PEER_CHECK_MS = 500;

export const MOVED_REASON = "the meeting moves to another server";

/** The node side of the relay: where a relayed connection's room is opened, and who learns of gone peers. */
export interface RelayHost {
  /** A connection relayed from `edge` for a room on this node: its signal here, or undefined after closing `link` (not here any more). */
  accept(join: ClientMessageOf<"join">, addressId: string, link: ParticipantLink): Promise<ParticipantSignal | undefined>;
  /** A peer node is gone. */
  peerGone(nodeId: string): void;
}

/** A connection whose WebSocket is here and whose room is elsewhere. */
interface Outgoing {
  node: string;
  link: ParticipantLink;
}

/** A connection whose room is here and whose WebSocket is on `edge`. */
interface Incoming {
  edge: string;
  signal: PendingSignal;
}

export class SignalRelay {
  private readonly outgoing = new Map<string, Outgoing>();
  private readonly incoming = new Map<string, Incoming>();
  private readonly logBudget = new TokenBucket(5, 0.1);
  private timer: NodeJS.Timeout | undefined;
  private subscribed = false;

  constructor(
    private readonly redis: Redis,
    /** A connection of its own: a subscribed Redis connection can do nothing else. */
    private readonly subscriber: Redis,
    private readonly nodeId: string,
    private readonly host: RelayHost,
    private readonly log: Logger,
  ) {}

  async start(): Promise<void> {
    this.subscriber.on("message", (_channel: string, text: string) => this.receive(text));
    this.subscriber.on("ready", () => {
      // ioredis subscribes again after a reconnect; what was published meanwhile is lost.
      if (this.subscribed) this.reset();
    });
    await this.subscriber.subscribe(redisKeys.inbox(this.nodeId));
    this.subscribed = true;
    this.timer = setInterval(() => void this.checkPeers().catch((error: Error) => this.warn("peer check failed", error)), PEER_CHECK_MS);
    this.timer.unref();
  }

  /** Connections relayed through this node, either way. */
  get size(): number {
    return this.outgoing.size + this.incoming.size;
  }

  /** Connections whose WebSocket is here and whose room is elsewhere. */
  get outgoingCount(): number {
    return this.outgoing.size;
  }

  /**
   * Edge side: carries a connection to its room on `node`. Undefined if `node` is gone (nobody
   * received the `open`); the caller places the room again.
   */
  async open(node: string, join: ClientMessageOf<"join">, addressId: string, link: ParticipantLink): Promise<ParticipantSignal | undefined> {
    const c = randomBytes(12).toString("base64url");
    this.outgoing.set(c, { node, link });
    let reached: number;
    try {
      reached = await this.redis.publish(redisKeys.inbox(node), encodeEnvelope({ t: "open", c, e: this.nodeId, j: join, a: addressId }));
    } catch (error) {
      this.outgoing.delete(c);
      throw error;
    }
    if (reached === 0) {
      this.outgoing.delete(c);
      return undefined;
    }
    return {
      send: (m) => void this.post(node, { t: "msg", c, e: this.nodeId, m }),
      close: (p) => {
        if (this.outgoing.delete(c)) void this.post(node, { t: "close", c, e: this.nodeId, p });
      },
    };
  }

  /** Ends every relayed connection (this node stops, or its subscription was interrupted). */
  reset(code: number = CloseCode.mediaRestart, reason = MOVED_REASON): void {
    for (const [c, { node, link }] of this.outgoing) {
      this.outgoing.delete(c);
      // The room lets the participant go now; they come back with their resume token.
      void this.post(node, { t: "close", c, e: this.nodeId, p: false });
      link.close(code, reason);
    }
    for (const [c, { edge, signal }] of this.incoming) {
      this.incoming.delete(c);
      void this.post(edge, { t: "end", c, code, reason });
      signal.close(false);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.subscribed = false;
    await this.subscriber.unsubscribe().catch(() => {});
  }

  /** Ends the relayed connections with a peer that is gone. */
  peerGone(node: string): void {
    for (const [c, out] of this.outgoing) {
      if (out.node !== node) continue;
      this.outgoing.delete(c);
      out.link.close(CloseCode.mediaRestart, MOVED_REASON);
    }
    for (const [c, inc] of this.incoming) {
      if (inc.edge !== node) continue;
      this.incoming.delete(c);
      inc.signal.close(false);
    }
  }

  private receive(text: string): void {
    const envelope = decodeEnvelope(text);
    if (!envelope) {
      if (this.logBudget.take()) this.log.warn("dropped a malformed or foreign message in the relay inbox");
      return;
    }
    switch (envelope.t) {
      case "open":
        return this.accept(envelope);
      case "msg": {
        const incoming = this.incoming.get(envelope.c);
        if (incoming) return incoming.signal.send(envelope.m);
        // We lost track of it (our subscription was interrupted): the edge must reconnect.
        void this.post(envelope.e, { t: "end", c: envelope.c, code: CloseCode.mediaRestart, reason: MOVED_REASON });
        return;
      }
      case "close": {
        const incoming = this.incoming.get(envelope.c);
        this.incoming.delete(envelope.c);
        incoming?.signal.close(envelope.p);
        return;
      }
      case "send":
        return this.outgoing.get(envelope.c)?.link.send(envelope.m);
      case "end":
        // The edge's WebSocket closes; its close comes back as a "close" (as it would on one node).
        return this.outgoing.get(envelope.c)?.link.close(envelope.code, envelope.reason);
    }
  }

  /** Room side: a connection relayed to a room here. Its messages wait until the room is open. */
  private accept({ c, e: edge, j: join, a: addressId }: Extract<Envelope, { t: "open" }>): void {
    const signal = new PendingSignal();
    this.incoming.set(c, { edge, signal });
    const link: ParticipantLink = {
      send: (m) => void this.post(edge, { t: "send", c, m }),
      close: (code, reason) => void this.post(edge, { t: "end", c, code, reason }),
    };
    this.host.accept(join, addressId, link).then(
      (target) => {
        if (target) return signal.bind(target);
        signal.drop();
        this.incoming.delete(c);
      },
      (error: Error) => {
        this.warn("could not open a relayed connection's room", error);
        signal.drop();
        this.incoming.delete(c);
        link.close(CloseCode.mediaRestart, MOVED_REASON);
      },
    );
  }

  /** Publishes to a peer's inbox; a peer nobody listens for any more is gone. */
  private async post(node: string, envelope: Envelope): Promise<void> {
    const reached = await this.publish(node, envelope);
    if (reached === 0) this.host.peerGone(node);
  }

  /** The number of subscribers reached (0: the node is gone), or -1 if Redis could not be asked (logged). */
  private async publish(node: string, envelope: Envelope): Promise<number> {
    try {
      return await this.redis.publish(redisKeys.inbox(node), encodeEnvelope(envelope));
    } catch (error) {
      this.warn("cannot publish to Redis", error as Error);
      return -1;
    }
  }

  /** Each peer we relay for: still subscribed to its inbox, and its node entry not expired? */
  private async checkPeers(): Promise<void> {
    const peers = new Set([...[...this.outgoing.values()].map((o) => o.node), ...[...this.incoming.values()].map((i) => i.edge)]);
    if (peers.size === 0) return;
    const list = [...peers];
    const pipeline = this.redis.pipeline();
    for (const peer of list) pipeline.pubsub("NUMSUB", redisKeys.inbox(peer)).exists(redisKeys.node(peer));
    const results = (await pipeline.exec()) ?? [];
    list.forEach((peer, i) => {
      const [numsubError, numsub] = results[2 * i] ?? [];
      const [existsError, exists] = results[2 * i + 1] ?? [];
      if (numsubError || existsError) return;
      const subscribers = Array.isArray(numsub) ? Number(numsub[1]) : NaN;
      if (subscribers === 0 || exists === 0) this.host.peerGone(peer);
    });
  }

  private warn(what: string, error: Error): void {
    if (this.logBudget.take()) this.log.warn({ err: error.message }, what);
  }
}
