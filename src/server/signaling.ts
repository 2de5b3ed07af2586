/**
 * The signaling WebSocket: one connection per browser tab.
 *
 * Every incoming frame is size-checked, parsed and validated against the
 * protocol before anything acts on it; a bad one gets a typed `error` and
 * changes nothing. A connection that floods or keeps sending garbage is
 * closed; everyone else is unaffected. Nothing but `join` is handled
 * before the connection's join has finished.
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
  type ClientMessageOf,
  type ClientMessageType,
  type ErrorCode,
  type IceServer,
  type ServerMessage,
} from "../protocol/messages.js";
import type { RoomRegistry } from "../cluster/registry.js";
import {
  ForbiddenError,
  RefusedError,
  ParticipantNotFoundError,
  RoomClosedError,
  type LiveRoom,
  type Member,
  type ParticipantLink,
} from "./live-room.js";
import type { Logger } from "./log.js";
import { MediaError, OutOfOrderError } from "../media/media-plane.js";
import { TokenBucket } from "./token-bucket.js";
import type { Probe, ProbeService } from "./probe.js";

export interface SignalingOptions {
  registry: RoomRegistry;
  log: Logger;
  /** STUN/TURN servers announced in `welcome` (fresh TURN credentials per connection). */
  iceServers: () => IceServer[];
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
}

/** Frames above this are not even read into memory: ws closes the connection (1009). */
const HARD_FRAME_LIMIT = 1024 * 1024;
/** Sustained rate per connection, and the burst above it. */
const MESSAGES_PER_SECOND = 50;
const MESSAGE_BURST = 200;
/** Rejected messages (invalid or over the rate) a connection may send before it is closed. */
const MAX_REJECTED = 100;
/** Messages that may wait for a pending join (a guest in the lobby). */
const MAX_HELD = 50;

export class Signaling {
  private readonly wss: WebSocketServer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly connections = new Set<ClientConnection>();

  constructor(
    server: Server,
    private readonly options: SignalingOptions,
  ) {
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
    const address = clientAddress(request, this.options.trustProxy ?? false);
    this.wss.handleUpgrade(request, socket, head, (ws) => {
      const connection = new ClientConnection(ws, address, this.options);
      this.connections.add(connection);
      ws.once("close", () => this.connections.delete(connection));
    });
  }
}

/** What a client is told for a failure it can act on; undefined for a media failure or a bug. */
function expectedError(error: unknown): { code: ErrorCode; message: string } | undefined {
  if (error instanceof ParticipantNotFoundError) return { code: "not-joined", message: "you are no longer in this room" };
  if (error instanceof OutOfOrderError) return { code: "out-of-order", message: error.message };
  if (error instanceof ForbiddenError) return { code: "forbidden", message: error.message };
  if (error instanceof RefusedError) return { code: error.code, message: error.message };
  return undefined;
}

/** The client's address, kept by its connection only to limit password guessing; never logged. */
function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  // The proxy appends the address it saw: the last entry is the one a client cannot forge.
  const forwarded = trustProxy ? String(request.headers["x-forwarded-for"] ?? "").split(",").pop()?.trim() : "";
  return forwarded || request.socket.remoteAddress || "unknown";
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
  private room: LiveRoom | undefined;
  private member: Member | undefined;
  private probe: Probe | undefined;
  private probeClaimed = false;
  /** The person sent `leave`: their resume token must not bring them back past the lobby. */
  private leftOnPurpose = false;
  /** While waiting in a lobby: gives up the wait. */
  private cancelKnock: (() => void) | undefined;
  /** Settles when the latest `join` on this connection has been handled (for a guest: admitted or not). */
  private joined: Promise<void> = Promise.resolve();
  /** Messages held back until the pending join settles; bounded so a lobby guest cannot pile them up. */
  private held = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly address: string,
    private readonly options: SignalingOptions,
  ) {
    // Registered before anything is awaited, so no early message is lost.
    ws.on("message", (data, isBinary) => this.onFrame(data, isBinary));
    ws.on("pong", () => (this.alive = true));
    ws.on("close", () => this.onClose());
    ws.on("error", () => ws.terminate());
    this.send({
      type: "welcome",
      version: PROTOCOL_VERSION,
      iceServers: options.iceServers(),
      mediaOffByDefault: options.mediaOffByDefault ?? false,
      e2ee: options.e2ee ?? true,
    });
  }

  send(message: ServerMessage): void {
    if (this.ws.readyState === this.ws.OPEN) this.ws.send(JSON.stringify(message));
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
    if (!this.limiter.take()) {
      this.reject("rate-limited", "too many messages; slow down");
      return;
    }
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;
    if (size > MAX_MESSAGE_BYTES) {
      this.reject("too-large", `messages are limited to ${MAX_MESSAGE_BYTES} bytes`);
      return;
    }
    if (isBinary) {
      this.reject("bad-message", "only text messages are accepted");
      return;
    }
    const parsed = parseClientMessage(data.toString());
    if (!parsed.ok && parsed.code === "unsupported-version") {
      // An honest client of another version, not abuse: answer without counting it.
      this.send({ type: "error", code: parsed.code, message: parsed.message, inReplyTo: "join" });
      return;
    }
    if (!parsed.ok) {
      this.reject(parsed.code, parsed.message, parsed.inReplyTo);
      return;
    }
    const message = parsed.message;
    if (this.held >= MAX_HELD) {
      this.reject("rate-limited", "wait until you are let in before sending more");
      return;
    }
    // Everything waits for a pending join (for a guest, until a moderator lets them in); after
    // that, messages start in arrival order but do not wait for each other, so a slow publish does
    // not hold up a subscription. Janus queues candidates that arrive before their SDP, and the
    // media participant orders its own subscription changes.
    if (message.type === "leave" && this.cancelKnock) {
      // Leaving the lobby must not wait for the admission it gives up.
      this.leaveOnPurpose();
      return;
    }
    if (message.type === "probe") {
      // The connectivity check needs no room: it does not wait for a join (or a lobby).
      void this.startProbe(message.sdp).catch((error: unknown) => this.fail("probe", error));
      return;
    }
    this.held++;
    const run = this.joined
      .then(() => {
        this.held--;
        return this.handle(message);
      })
      .catch((error: unknown) => this.fail(message.type, error));
    if (message.type === "join") this.joined = run;
  }

  /** Answers with an error, or closes the connection once it has sent too many bad messages. */
  private reject(code: ErrorCode, message: string, inReplyTo?: string): void {
    this.rejected++;
    if (this.rejected > MAX_REJECTED) {
      if (this.rejected === MAX_REJECTED + 1) this.options.log.info("closing a signaling connection for abuse");
      this.ws.close(CloseCode.abuse, "too many invalid or excess messages");
      return;
    }
    this.send({ type: "error", code, message, ...(inReplyTo ? { inReplyTo } : {}) });
  }

  private fail(inReplyTo: ClientMessageType, error: unknown): void {
    const expected = expectedError(error);
    if (expected) return this.send({ type: "error", ...expected, inReplyTo });
    const mediaProblem = error instanceof MediaError;
    this.options.log.warn({ inReplyTo, err: error instanceof Error ? error.message : String(error) }, "request failed");
    this.send({
      type: "error",
      code: mediaProblem ? "media-unavailable" : "internal",
      message: mediaProblem ? "the media server could not do that; try again" : "the server could not handle that message",
      inReplyTo,
    });
  }

  private async handle(message: ClientMessage): Promise<void> {
    if (message.type === "join") return this.join(message);
    const { room, member } = this;
    if (!room || !member) {
      this.send({ type: "error", code: "not-joined", message: "send 'join' first", inReplyTo: message.type });
      return;
    }
    switch (message.type) {
      case "publish": {
        const sdp = await room.publish(member, message.sdp);
        this.send({ type: "publisherAnswer", sdp });
        return;
      }
      case "subscribe": {
        const unknown = await room.subscribe(member, message.participants, message.screens, message.video);
        if (unknown.length > 0) {
          this.send({
            type: "error",
            code: "unknown-participant",
            message: `not in this room: ${unknown.slice(0, 5).join(", ")}`,
            inReplyTo: "subscribe",
          });
        }
        return;
      }
      case "publishScreen": {
        const sdp = await room.publishScreen(member, message.sdp);
        this.send({ type: "screenAnswer", sdp });
        return;
      }
      case "stopScreen":
        return room.stopScreen(member);
      case "subscriberAnswer":
        return room.answerSubscription(member, message.sdp);
      case "trickle":
        return room.trickle(member, message.target, message.candidate);
      case "mediaState":
        return room.setMediaState(member, message.audio, message.video);
      case "chat":
      case "sealedChat":
        return room.chat(member, message);
      case "e2eeKeys":
        return room.relayKeys(member, message.keyId, message.sealed);
      case "requireE2ee":
        return room.requireE2ee(member, message.required);
      case "raiseHand":
        return room.raiseHand(member, message.raised);
      case "react":
        return room.react(member, message.reaction);
      case "admit":
        return room.admit(member, message.participants);
      case "refuse":
        return room.refuse(member, message.participant);
      case "moderate":
        return room.moderate(member, message.participant, message.action);
      case "lock":
        return room.lock(member, message.locked);
      case "setPassword":
        return room.setPassword(member, message.password);
      case "endMeeting":
        return room.end(member);
      case "allowMultipleShares":
        return room.allowMultipleShares(member, message.allowed);
      case "leave":
        return this.leaveOnPurpose();
    }
  }

  private async join(message: ClientMessageOf<"join">): Promise<void> {
    // Joins of one connection run one after another (see onFrame), so no other join is pending here.
    if (this.member) {
      this.send({ type: "error", code: "already-joined", message: "this connection is already in a room", inReplyTo: "join" });
      return;
    }
    const { room, admission } = await this.options.registry.join(message.room, {
      link: this,
      name: message.name,
      resumeToken: message.resumeToken,
      moderatorKey: message.moderatorKey,
      password: message.password,
      publicKey: message.publicKey,
      address: this.address,
    });
    this.cancelKnock = admission.cancel;
    // The socket may have closed while the room was deciding: then stop waiting in its lobby.
    if (this.ws.readyState !== this.ws.OPEN) admission.cancel();
    try {
      this.member = await admission.entered;
      this.room = room;
    } catch (error) {
      // Refused, gone, or the meeting ended while waiting: the farewell (if any) was sent already.
      if (error instanceof ParticipantNotFoundError || error instanceof RoomClosedError || error instanceof RefusedError) return;
      throw error;
    } finally {
      this.cancelKnock = undefined;
    }
  }

  /** `leave`: closing the socket does the rest (onClose), and the resume token is forgotten. */
  private leaveOnPurpose(): void {
    this.leftOnPurpose = true;
    this.ws.close(1000, "left");
  }

  /** One connectivity-check connection at a time; it lives as long as the socket. */
  private async startProbe(sdp: string): Promise<void> {
    // Claimed before the first await, so two probes sent back to back cannot both start.
    if (this.probeClaimed) throw new OutOfOrderError("a connectivity check is already running on this connection");
    this.probeClaimed = true;
    const probe = await this.options.probes.start(sdp).catch((error: unknown) => {
      this.probeClaimed = false;
      throw error;
    });
    if (this.ws.readyState !== this.ws.OPEN) return void probe.close();
    this.probe = probe;
    this.send({ type: "probeAnswer", sdp: probe.answer });
  }

  private onClose(): void {
    void this.probe?.close();
    this.cancelKnock?.();
    void this.joined.then(async () => {
      if (this.room && this.member) await this.room.leave(this.member.id, this, { forget: this.leftOnPurpose });
    });
  }
}
