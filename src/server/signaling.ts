/**
 * The signaling WebSocket: one connection per browser tab.
 *
 * This is the edge. Every incoming frame is rate-limited, size-checked,
 * parsed and validated against the protocol before anything acts on it; a
 * bad one gets a typed `error` and changes nothing, and a connection that
 * keeps sending them is closed. A valid `join` opens the connection's signal
 * into its room through the registry, and every later message goes there;
 * the connectivity check (`probeServers`, `probe`) needs no room and is
 * handled here. Limits per address group (a whole IPv6 /64 is one) and for
 * the server keep one client from taking everything.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket, type RawData } from "ws";
import {
  CloseCode,
  MAX_MESSAGE_BYTES,
  PROTOCOL_VERSION,
  SIGNALING_PATH,
  parseClientMessage,
  type ClientMessage,
  type ErrorCode,
  type IceServer,
  type ServerMessage,
} from "../protocol/messages.js";
import type { ParticipantLink, ParticipantSignal, RoomRegistry } from "../cluster/registry.js";
import { expectedError } from "../meeting/participant-session.js";
import { RefusedError } from "../meeting/errors.js";
import type { Logger } from "../common/log.js";
import { TokenBucket } from "../common/token-bucket.js";
import { KeyedBuckets, KeyedCounter } from "../common/per-key.js";
import { OutOfOrderError } from "../media/media-plane.js";
import { addressGroup, clientAddress } from "./client-address.js";
import type { Probe, ProbeService } from "./probe.js";
import { isConsultationType } from "../protocol/consultation.js";
import type { ConsultationConnection, ConsultationHub, ConsultationMessage } from "../consultation/hub.js";

export interface SignalingLimits {
  /** Open signaling connections, server-wide. */
  connections: number;
  /** Open signaling connections per address group. */
  connectionsPerAddress: number;
  /** Bytes the server may have queued for one connection before it gives up on it (a receiver that does not read). */
  sendBufferBytes: number;
  /** Connectivity checks per address group at once. */
  probesPerAddress: number;
}

export interface SignalingOptions {
  registry: RoomRegistry;
  log: Logger;
  /** STUN/TURN servers for a connectivity check, with short-lived TURN credentials. */
  probeIceServers: () => IceServer[];
  /** Test connections for the connectivity check. */
  probes: ProbeService;
  /** Announced in `welcome`: microphone and camera start off. */
  mediaOffByDefault?: boolean;
  /** Announced in `welcome`: browsers encrypt end to end (default true). */
  e2ee?: boolean;
  /** Take the client address from X-Forwarded-For (behind a reverse proxy). */
  trustProxy?: boolean;
  /** Interval of WebSocket pings; a connection that misses one is dropped. */
  heartbeatMs?: number;
  limits?: Partial<SignalingLimits>;
  /** Told of each rejected frame (for /metrics). */
  onRejected?: (code: ErrorCode) => void;
  /** The video consultation's queue and calls: `consult*` messages go there (docs/consultation.md). */
  consultation?: ConsultationHub;
}

const DEFAULT_LIMITS: SignalingLimits = {
  connections: 10_000,
  connectionsPerAddress: 50,
  sendBufferBytes: 4 * 1024 * 1024,
  probesPerAddress: 2,
};

/** Frames above this are not even read into memory: ws closes the connection (1009). */
const HARD_FRAME_LIMIT = 1024 * 1024;
/** Sustained rate per connection, and the burst above it. */
const MESSAGES_PER_SECOND = 50;
const MESSAGE_BURST = 200;
/** Rejected messages (invalid or over the rate) a connection may send before it is closed. */
const MAX_REJECTED = 100;
/** Connectivity-check steps per address group: a burst, then one every six seconds. */
const PROBE_STEPS_BURST = 8;
const PROBE_STEPS_PER_SECOND = 1 / 6;

export class Signaling {
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly connections = new Set<ClientConnection>();
  private readonly perAddress: KeyedCounter;
  private readonly limits: SignalingLimits;
  /** Shared by every connection: per-address limits of the connectivity check. */
  readonly probeLimits: { open: KeyedCounter; steps: KeyedBuckets };

  constructor(
    server: Server,
    private readonly options: SignalingOptions,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.perAddress = new KeyedCounter(this.limits.connectionsPerAddress);
    this.probeLimits = { open: new KeyedCounter(this.limits.probesPerAddress), steps: new KeyedBuckets(PROBE_STEPS_BURST, PROBE_STEPS_PER_SECOND) };
    this.wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT, perMessageDeflate: false });
    server.on("upgrade", (request, socket, head) => this.onUpgrade(request, socket, head));
    this.heartbeat = setInterval(() => {
      for (const connection of this.connections) connection.checkAlive();
    }, options.heartbeatMs ?? 10_000);
    this.heartbeat.unref();
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Cuts every connection without a closing handshake, as a network failure would. */
  dropConnections(): void {
    for (const connection of this.connections) connection.terminate();
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.dropConnections();
    this.wss.close();
  }

  private onUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? "/", "http://treff");
    if (url.pathname !== SIGNALING_PATH || !isSameOrigin(request)) {
      // Cross-site WebSocket hijacking guard: only pages from this origin may connect.
      socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n");
      return;
    }
    const address = addressGroup(clientAddress(request, this.options.trustProxy ?? false));
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      // Over a limit, the client still hears why (a browser sees no HTTP status of a refused upgrade).
      const full = this.connections.size >= this.limits.connections;
      if (full || !this.perAddress.acquire(address)) {
        const message = full ? "this server has as many connections as it may take" : "too many connections from your network";
        ws.send(JSON.stringify({ type: "error", code: "server-busy", message: `${message}; try again later` } satisfies ServerMessage));
        ws.close(CloseCode.tryAgainLater, "busy");
        return;
      }
      const connection = new ClientConnection(ws, address, this.options, this.limits, this.probeLimits, request.headers.cookie);
      this.connections.add(connection);
      ws.once("close", () => {
        this.connections.delete(connection);
        this.perAddress.release(address);
      });
    });
  }
}

/** The Origin header, when a browser sends one, must name the host the request went to. */
function isSameOrigin(request: IncomingMessage): boolean {
  const origin = request.headers.origin;
  if (!origin) return true; // not a browser (tests, the example client): nothing to hijack
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

class ClientConnection implements ParticipantLink {
  private readonly limiter = new TokenBucket(MESSAGE_BURST, MESSAGES_PER_SECOND);
  private rejected = 0;
  private alive = true;
  /** The connection's way into its room, from its first valid `join`. */
  private signal: ParticipantSignal | undefined;
  private probe: Probe | undefined;
  /** A connectivity check was started (or is starting) on this connection. */
  private probing: Promise<void> | undefined;
  /** Settles once every connectivity-check step sent so far has been answered (for `ping`). */
  private checks: Promise<void> | undefined;
  /** The person sent `leave`: their resume token must not bring them back past the lobby. */
  private leftOnPurpose = false;
  /** The video consultation's side of this connection, from its first `consult*` message. */
  private consultation: ConsultationConnection | undefined;

  constructor(
    private readonly ws: WebSocket,
    private readonly address: string,
    private readonly options: SignalingOptions,
    private readonly limits: SignalingLimits,
    private readonly probeLimits: Signaling["probeLimits"],
    /** The Cookie header of the upgrade: a staff member's session (consultation). */
    private readonly cookieHeader?: string,
  ) {
    // Registered before anything is awaited, so no early message is lost.
    ws.on("message", (data, isBinary) => this.onFrame(data, isBinary));
    ws.on("pong", () => (this.alive = true));
    ws.on("close", () => this.onClose());
    ws.on("error", () => ws.terminate());
    // No STUN/TURN servers before `joined` (or a check's `probeServers`): a stranger gets no relay.
    this.send({ type: "welcome", version: PROTOCOL_VERSION, mediaOffByDefault: options.mediaOffByDefault ?? false, e2ee: options.e2ee ?? true });
  }

  send(message: ServerMessage): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.sendBufferBytes) {
      // A receiver that does not read would make the server buffer without bound: cut it; a
      // working client reconnects and comes back with its resume token.
      this.ws.terminate();
      return;
    }
    this.ws.send(JSON.stringify(message));
  }

  close(code: number, reason: string): void {
    this.ws.close(code, reason);
  }

  terminate(): void {
    this.ws.terminate();
  }

  checkAlive(): void {
    if (!this.alive) return this.ws.terminate();
    this.alive = false;
    this.ws.ping();
  }

  private onFrame(data: RawData, isBinary: boolean): void {
    if (!this.limiter.take()) return this.reject("rate-limited", "too many messages; slow down");
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > MAX_MESSAGE_BYTES) return this.reject("too-large", `messages are limited to ${MAX_MESSAGE_BYTES} bytes`);
    if (isBinary) return this.reject("bad-message", "only text messages are accepted");
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok && parsed.code === "unsupported-version") {
      // An honest client of another version, not abuse: answer without counting it.
      this.send({ type: "error", code: parsed.code, message: parsed.message, inReplyTo: "join" });
      return;
    }
    if (!parsed.ok) return this.reject(parsed.code, parsed.message, parsed.inReplyTo);
    this.dispatch(parsed.message);
  }

  private dispatch(message: ClientMessage): void {
    if (isConsultationType(message.type)) return this.consult(message as ConsultationMessage);
    switch (message.type) {
      case "leave":
        // Closing does the rest (onClose); the resume token is forgotten.
        this.leftOnPurpose = true;
        this.ws.close(CloseCode.normal, "left");
        return;
      case "probeServers":
      case "probe": {
        // The connectivity check needs no room: it does not wait for a join (or a lobby).
        const step = this.probeStep(message).catch((error: unknown) => this.failProbe(message.type, error));
        this.checks = Promise.all([this.checks, step]).then(() => {});
        return;
      }
      case "meetingNotice": {
        // Before joining (issue 16): does a recording run there? For the pre-join screen; part of a ping's "everything before".
        const told = this.options.registry.recording(message.room).then((recording) => this.send({ type: "meetingNotice", recording }), () => {});
        this.checks = Promise.all([this.checks, told]).then(() => {});
        return;
      }
      case "join":
        if (this.consultation) return this.send({ type: "error", code: "forbidden", message: "this connection is in the consultation", inReplyTo: "join" });
        if (this.signal) return this.signal.send(message);
        this.signal = this.options.registry.connect(message, this.address, this);
        return;
      case "ping": {
        // The connectivity check's steps are part of "everything before": their answers or errors
        // go out first. (They never reject: a failure is answered, and nothing goes unhandled.)
        const signal = this.signal;
        const answer = () => (signal ? signal.send(message) : this.send({ type: "pong", id: message.id }));
        if (this.checks) void this.checks.then(answer);
        else answer();
        return;
      }
      default:
        if (this.signal) return this.signal.send(message);
        this.send({ type: "error", code: "not-joined", message: "send 'join' first", inReplyTo: message.type });
    }
  }

  /** Video consultation: a connection is either in a meeting or in the consultation, never both. */
  private consult(message: ConsultationMessage): void {
    const hub = this.options.consultation;
    if (!hub || this.signal) return this.send({ type: "error", code: "forbidden", message: "no consultation on this connection", inReplyTo: message.type });
    this.consultation ??= hub.connect(this, this.address, this.cookieHeader);
    this.consultation.handle(message);
  }

  /** Answers with an error, or closes the connection once it has sent too many bad messages. */
  private reject(code: ErrorCode, message: string, inReplyTo?: string): void {
    this.rejected++;
    this.options.onRejected?.(code);
    if (this.rejected > MAX_REJECTED) {
      if (this.rejected === MAX_REJECTED + 1) this.options.log.info("closing a signaling connection for abuse");
      this.ws.close(CloseCode.abuse, "too many invalid or excess messages");
      return;
    }
    this.send({ type: "error", code, message, ...(inReplyTo ? { inReplyTo } : {}) });
  }

  /** The connectivity check: its servers, then one test connection per socket, limited per address group. */
  private async probeStep(message: Extract<ClientMessage, { type: "probe" | "probeServers" }>): Promise<void> {
    if (!this.probeLimits.steps.take(this.address)) throw new RefusedError("rate-limited", "too many connectivity checks from your network; wait a minute");
    if (message.type === "probeServers") return this.send({ type: "probeServers", iceServers: this.options.probeIceServers() });
    // Claimed before the first await, so two probes sent back to back cannot both start.
    if (this.probing) throw new OutOfOrderError("a connectivity check is already running on this connection");
    if (!this.probeLimits.open.acquire(this.address)) throw new RefusedError("server-busy", "a connectivity check from your network is still running");
    let release = () => this.probeLimits.open.release(this.address);
    this.probing = (async () => {
      try {
        const probe = await this.options.probes.start(message.sdp);
        if (this.ws.readyState !== this.ws.OPEN) return void probe.close();
        this.probe = probe;
        const held = release;
        release = () => {};
        void probe.closed.then(held);
        this.send({ type: "probeAnswer", sdp: probe.answer });
      } finally {
        release();
      }
    })();
    await this.probing.catch((error: unknown) => {
      this.probing = undefined;
      throw error;
    });
  }

  private failProbe(inReplyTo: "probe" | "probeServers", error: unknown): void {
    const expected = expectedError(error);
    if (!expected) this.options.log.warn({ inReplyTo, err: error instanceof Error ? error.message : String(error) }, "connectivity check failed");
    this.send({ type: "error", ...(expected ?? { code: "media-unavailable", message: "the media server could not start the check; try again" }), inReplyTo });
  }

  private onClose(): void {
    void this.probe?.close();
    this.consultation?.close();
    this.signal?.close(this.leftOnPurpose);
  }
}
