/**
 * A typed client for the Janus API over one persistent WebSocket.
 *
 * JanusConnection → JanusSession → JanusHandle mirror Janus' own objects.
 * Every request carries a transaction id and the API secret and times out;
 * sessions send keep-alives; asynchronous plugin events and core events
 * (webrtcup, hangup, …) are delivered to the handle they belong to.
 * Closing a parent closes its children; every close() is idempotent.
 */
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import WebSocket from "ws";
import { MediaError } from "../media-plane.js";

export const REQUEST_TIMEOUT_MS = 10_000;
const KEEPALIVE_MS = 25_000;

export type Jsep = { type: "offer" | "answer"; sdp: string; e2ee?: boolean };

/** A Janus reply that ended a transaction. */
interface JanusReply {
  janus: string;
  transaction?: string;
  session_id?: number;
  sender?: number;
  data?: { id?: number } & Record<string, unknown>;
  plugindata?: { plugin: string; data: Record<string, unknown> };
  jsep?: Jsep;
  error?: { code: number; reason: string };
  [key: string]: unknown;
}

/** Janus or one of its plugins said no. `code` is Janus' own error number. */
export class JanusError extends MediaError {
  constructor(
    readonly code: number,
    reason: string,
  ) {
    super(`janus error ${code}: ${reason}`);
  }
}

export class JanusClosedError extends MediaError {
  constructor() {
    super("the connection to Janus is closed");
  }
}

interface Pending {
  resolve(reply: JanusReply): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** Asynchronous plugin requests are acknowledged first and answered by a later event. */
  waitForEvent: boolean;
}

type ConnectionEvents = { close: [] };

/** One WebSocket to Janus, shared by every session Treff opens. */
export class JanusConnection extends EventEmitter<ConnectionEvents> {
  private readonly pending = new Map<string, Pending>();
  readonly sessions = new Map<number, JanusSession>();
  private closed = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly apiSecret: string | undefined,
  ) {
    super();
    socket.on("message", (data) => this.onMessage(data.toString()));
    socket.on("close", () => this.close());
    socket.on("error", () => this.close());
  }

  /**
   * Opens the WebSocket. `url` is `ws://host:port` or, for a Unix socket,
   * `ws+unix:///path/to/janus.sock`.
   */
  static connect(url: string, apiSecret?: string, timeoutMs = 2_000): Promise<JanusConnection> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url, "janus-protocol", { handshakeTimeout: timeoutMs });
      const fail = (error: Error) => {
        socket.removeAllListeners();
        socket.on("error", () => {});
        socket.terminate();
        reject(error);
      };
      socket.once("open", () => {
        socket.removeAllListeners();
        resolve(new JanusConnection(socket, apiSecret));
      });
      socket.once("error", fail);
      socket.once("unexpected-response", () => fail(new Error("Janus refused the WebSocket upgrade")));
    });
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** Sends one Janus API request and resolves with the reply that ends its transaction. */
  request(body: Record<string, unknown>, options: { waitForEvent?: boolean; timeoutMs?: number } = {}): Promise<JanusReply> {
    if (this.closed) return Promise.reject(new JanusClosedError());
    const transaction = randomBytes(9).toString("base64url");
    const message = { ...body, transaction, ...(this.apiSecret ? { apisecret: this.apiSecret } : {}) };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(transaction);
        reject(new MediaError(`Janus did not answer '${String(body.janus)}' within ${options.timeoutMs ?? REQUEST_TIMEOUT_MS} ms`));
      }, options.timeoutMs ?? REQUEST_TIMEOUT_MS);
      this.pending.set(transaction, { resolve, reject, timer, waitForEvent: options.waitForEvent ?? false });
      this.socket.send(JSON.stringify(message), (error) => {
        if (error) this.settle(transaction, undefined, error);
      });
    });
  }

  async info(): Promise<JanusReply> {
    return this.request({ janus: "info" });
  }

  /**
   * Proves that the API secret is right. (`info` does not: Janus answers it without one.)
   * Creates and destroys a session.
   */
  async checkAccess(): Promise<void> {
    const session = await this.createSession();
    await session.destroy();
  }

  async createSession(): Promise<JanusSession> {
    const reply = await this.request({ janus: "create" });
    const id = reply.data?.id;
    if (typeof id !== "number") throw new Error("Janus 'create' returned no session id");
    const session = new JanusSession(this, id);
    this.sessions.set(id, session);
    return session;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const transaction of [...this.pending.keys()]) this.settle(transaction, undefined, new JanusClosedError());
    for (const session of [...this.sessions.values()]) session.markGone();
    this.socket.removeAllListeners();
    this.socket.on("error", () => {});
    this.socket.terminate();
    this.emit("close");
  }

  private settle(transaction: string, reply: JanusReply | undefined, error?: Error): void {
    const pending = this.pending.get(transaction);
    if (!pending) return;
    this.pending.delete(transaction);
    clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else if (reply) pending.resolve(reply);
  }

  private onMessage(text: string): void {
    let reply: JanusReply;
    try {
      reply = JSON.parse(text) as JanusReply;
    } catch {
      return; // Janus only sends JSON; anything else is noise we cannot attribute.
    }
    const pending = reply.transaction ? this.pending.get(reply.transaction) : undefined;
    if (pending && reply.transaction) {
      if (reply.janus === "ack" && pending.waitForEvent) return; // the answer follows as an event
      if (reply.janus === "error") {
        this.settle(reply.transaction, undefined, new JanusError(reply.error?.code ?? 0, reply.error?.reason ?? "unknown"));
        return;
      }
      const pluginError = pluginErrorOf(reply);
      if (pluginError) {
        this.settle(reply.transaction, undefined, pluginError);
        return;
      }
      this.settle(reply.transaction, reply);
      return;
    }
    this.dispatch(reply);
  }

  /** Routes an event without a waiting transaction to its session and handle. */
  private dispatch(reply: JanusReply): void {
    if (reply.session_id === undefined) return;
    const session = this.sessions.get(reply.session_id);
    if (!session) return;
    if (reply.janus === "timeout") {
      session.markGone();
      return;
    }
    if (reply.sender !== undefined) session.handles.get(reply.sender)?.receive(reply);
  }
}

function pluginErrorOf(reply: JanusReply): JanusError | undefined {
  const data = reply.plugindata?.data;
  if (!data || data.error_code === undefined) return undefined;
  return new JanusError(Number(data.error_code), String(data.error ?? "plugin error"));
}

export class JanusSession {
  readonly handles = new Map<number, JanusHandle>();
  private readonly keepalive: NodeJS.Timeout;
  private gone = false;

  constructor(
    readonly connection: JanusConnection,
    readonly id: number,
  ) {
    this.keepalive = setInterval(() => {
      connection.request({ janus: "keepalive", session_id: id }).catch(() => {});
    }, KEEPALIVE_MS);
    this.keepalive.unref();
  }

  async attach(plugin: string): Promise<JanusHandle> {
    if (this.gone) throw new JanusClosedError();
    const reply = await this.connection.request({ janus: "attach", session_id: this.id, plugin });
    const id = reply.data?.id;
    if (typeof id !== "number") throw new Error("Janus 'attach' returned no handle id");
    const handle = new JanusHandle(this, id);
    this.handles.set(id, handle);
    return handle;
  }

  /** Destroys the session in Janus (which detaches its handles). Idempotent. */
  async destroy(): Promise<void> {
    if (this.gone) return;
    const answered = this.answered();
    this.markGone();
    await answered;
    await this.connection.request({ janus: "destroy", session_id: this.id }).catch(() => {});
  }

  /** Resolves once every request sent on this session's handles so far has been answered (see JanusHandle.answered). */
  answered(): Promise<void> {
    return Promise.all([...this.handles.values()].map((handle) => handle.answered())).then(() => {});
  }

  /** The session no longer exists in Janus (destroyed, timed out, or the connection closed). */
  markGone(): void {
    if (this.gone) return;
    this.gone = true;
    clearInterval(this.keepalive);
    this.connection.sessions.delete(this.id);
    for (const handle of [...this.handles.values()]) handle.markGone();
  }
}

/** What a handle reports besides replies to its own requests. */
export type HandleEvents = {
  /** An asynchronous plugin event (e.g. a renegotiation offer for a subscriber). */
  event: [data: Record<string, unknown>, jsep: Jsep | undefined];
  /** ICE and DTLS are up: media can flow. */
  webrtcup: [];
  /** The peer connection closed or failed. */
  hangup: [reason: string];
  /** The handle no longer exists in Janus. */
  gone: [];
};

export class JanusHandle extends EventEmitter<HandleEvents> {
  private gone = false;
  /** Requests sent on this handle that Janus has not answered yet. */
  private readonly unanswered = new Set<Promise<unknown>>();

  constructor(
    readonly session: JanusSession,
    readonly id: number,
  ) {
    super();
  }

  /** A synchronous plugin request (create, destroy, exists…): the plugin's reply data. */
  async request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const reply = await this.send({ janus: "message", body }, false);
    return reply.plugindata?.data ?? {};
  }

  /** An asynchronous plugin request (join, publish, start…): the event that answers it. */
  async message(body: Record<string, unknown>, jsep?: Jsep): Promise<{ data: Record<string, unknown>; jsep?: Jsep }> {
    const reply = await this.send({ janus: "message", body, ...(jsep ? { jsep } : {}) }, true);
    return { data: reply.plugindata?.data ?? {}, jsep: reply.jsep };
  }

  /** A trickled candidate, or `null` when the browser finished gathering. */
  async trickle(candidate: Record<string, unknown> | null): Promise<void> {
    await this.send({ janus: "trickle", candidate: candidate ?? { completed: true } }, false);
  }

  /** Detaches the handle (which closes its peer connection). Idempotent. */
  async detach(): Promise<void> {
    if (this.gone) return;
    const answered = this.answered();
    this.markGone();
    await answered;
    await this.session.connection
      .request({ janus: "detach", session_id: this.session.id, handle_id: this.id })
      .catch(() => {});
  }

  markGone(): void {
    if (this.gone) return;
    this.gone = true;
    this.session.handles.delete(this.id);
    this.emit("gone");
    this.removeAllListeners();
  }

  receive(reply: JanusReply): void {
    switch (reply.janus) {
      case "event":
        this.emit("event", reply.plugindata?.data ?? {}, reply.jsep);
        break;
      case "webrtcup":
        this.emit("webrtcup");
        break;
      case "hangup":
        this.emit("hangup", String(reply.reason ?? ""));
        break;
      case "detached":
        this.markGone();
        break;
    }
  }

  /**
   * Resolves once every request sent on this handle so far has been answered (or failed, or timed
   * out). Janus 1.1 crashes now and then (SIGSEGV) when a handle is detached, or its session
   * destroyed, while an offer sent on it is still being worked on by the VideoRoom's thread: anyone
   * could bring every meeting down by publishing and leaving at once. So both wait for this first;
   * Janus answers within milliseconds, and every request ends with its timeout at the latest.
   */
  answered(): Promise<void> {
    return Promise.allSettled(this.unanswered).then(() => {});
  }

  private send(body: Record<string, unknown>, waitForEvent: boolean): Promise<JanusReply> {
    if (this.gone) return Promise.reject(new JanusClosedError());
    const reply = this.session.connection.request(
      { ...body, session_id: this.session.id, handle_id: this.id },
      { waitForEvent },
    );
    this.unanswered.add(reply);
    const forget = () => void this.unanswered.delete(reply);
    reply.then(forget, forget);
    return reply;
  }
}
