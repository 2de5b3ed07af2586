/**
 * A small typed protocol client for the integration tests: one WebSocket to
 * the signaling endpoint, every server message validated against the
 * protocol schema and kept, and waits for "the next message of this type".
 *
 * Every client registers itself so a test file can close whatever is still
 * open in its `after` hook (closeAllClients), and the process can exit.
 */
import type { Duplex } from "node:stream";
import WebSocket from "ws";
import {
  PROTOCOL_VERSION,
  ServerMessage,
  type ClientMessage,
  type LobbyEntry,
  type ServerMessageOf,
} from "../../src/protocol/messages.js";

export const DEFAULT_TIMEOUT_MS = 5_000;

export interface Closed {
  code: number;
  reason: string;
}

type Type = ServerMessage["type"];

/** What `join` may carry besides room and name. */
export interface JoinExtras {
  resumeToken?: string;
  moderatorKey?: string;
  password?: string;
  publicKey?: string;
}

interface Waiter {
  match: (message: ServerMessage) => boolean;
  resolve: (message: ServerMessage) => void;
}

const open = new Set<TestClient>();
/** Frames any client received that were not valid server messages. */
const violations: string[] = [];

export class TestClient {
  /** Every message the server sent, in order. */
  readonly messages: ServerMessage[] = [];
  /** Every valid message as the server sent it, before the schema dropped unknown fields. */
  readonly frames: unknown[] = [];
  /** Frames that were not valid server messages (a protocol violation by the server). */
  readonly invalid: string[] = [];
  /** Resolves when the socket has closed, with the code and reason the client saw. */
  readonly closed: Promise<Closed>;
  /** Messages no `next()` has taken yet. */
  private readonly unread: ServerMessage[] = [];
  private readonly waiters = new Set<Waiter>();
  private closedWith: Closed | undefined;
  /** For a moderator: who waits in the lobby, folded from lobbyChanged, lobbyJoined and lobbyLeft as they arrive. */
  private readonly lobbyView = new Map<string, LobbyEntry>();
  private readonly lobbyWatchers = new Set<() => void>();
  private pings = 0;

  private constructor(readonly ws: WebSocket) {
    open.add(this);
    ws.on("error", () => {}); // a refused or cut connection shows up as `closed`
    ws.on("message", (data, isBinary) => this.onMessage(data.toString(), isBinary));
    this.closed = new Promise((resolve) => {
      ws.once("close", (code, reason) => {
        open.delete(this);
        this.closedWith = { code, reason: reason.toString() };
        resolve(this.closedWith);
      });
    });
  }

  /** Opens a signaling connection; rejects if the upgrade is refused. */
  static connect(url: string, options: { origin?: string; timeoutMs?: number; headers?: Record<string, string> } = {}): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        handshakeTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        ...(options.origin ? { origin: options.origin } : {}),
        ...(options.headers ? { headers: options.headers } : {}),
      });
      const client = new TestClient(ws);
      ws.once("open", () => resolve(client));
      ws.once("unexpected-response", (_request, response) => {
        ws.terminate();
        reject(new UpgradeRefused(response.statusCode ?? 0));
      });
      ws.once("error", (error) => reject(error));
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sends a protocol message, or any other JSON value the test wants the server to judge. */
  send(message: ClientMessage | Record<string, unknown>): void {
    this.ws.send(JSON.stringify(message));
  }

  /** Sends a frame exactly as given (text unless `binary`). */
  sendRaw(data: string | Buffer, options: { binary?: boolean } = {}): void {
    this.ws.send(data, { binary: options.binary ?? false });
  }

  /**
   * Stops reading from the socket (the client still sends): the server's
   * frames, including a close frame, wait unread until resumeReading().
   */
  pauseReading(): void {
    socketOf(this.ws).pause();
  }

  resumeReading(): void {
    socketOf(this.ws).resume();
  }

  /** Sends `join` with the current protocol version, without waiting for the answer. */
  sendJoin(room: string, name: string, extra: JoinExtras = {}): void {
    this.send({ type: "join", version: PROTOCOL_VERSION, room, name, ...extra });
  }

  /** Sends `join` with the current protocol version and waits for `joined`. */
  async join(room: string, name: string, extra: JoinExtras = {}): Promise<ServerMessageOf<"joined">> {
    this.sendJoin(room, name, extra);
    const reply = await this.nextOf(["joined", "lobby", "error"]);
    if (reply.type === "error") throw new Error(`join failed: ${reply.code}: ${reply.message}`);
    if (reply.type === "lobby") throw new Error("join failed: put in the lobby");
    return reply as ServerMessageOf<"joined">;
  }

  /** Sends `join` and waits to be put in the lobby (a guest of a meeting with a lobby). */
  async knock(room: string, name: string, extra: JoinExtras = {}): Promise<ServerMessageOf<"lobby">> {
    this.sendJoin(room, name, extra);
    const reply = await this.nextOf(["joined", "lobby", "error"]);
    if (reply.type === "error") throw new Error(`knock failed: ${reply.code}: ${reply.message}`);
    if (reply.type === "joined") throw new Error("knock failed: joined without waiting in the lobby");
    return reply as ServerMessageOf<"lobby">;
  }

  /** For a moderator: the id under which `name` waits in the lobby, once the lobby shows them. */
  async waitingId(name: string): Promise<string> {
    const waiting = await this.lobbyWhere((list) => list.some((e) => e.name === name), `${name} in the lobby`);
    const id = waiting.find((e) => e.name === name)!.id;
    // The news of their knock has been taken in: it no longer counts as unread.
    const index = this.unread.findIndex((m) => m.type === "lobbyJoined" && m.entry.id === id);
    if (index >= 0) this.unread.splice(index, 1);
    return id;
  }

  /** For a moderator: everyone waiting in the lobby now, in order of arrival, as the server told this client so far. */
  get lobby(): LobbyEntry[] {
    return [...this.lobbyView.values()].map((e) => ({ ...e }));
  }

  /** Waits until the lobby list (as this client was told it) satisfies `where`; returns it. */
  lobbyWhere(where: (waiting: LobbyEntry[]) => boolean, what = "the lobby list", timeoutMs = DEFAULT_TIMEOUT_MS): Promise<LobbyEntry[]> {
    if (where(this.lobby)) return Promise.resolve(this.lobby);
    let watcher: (() => void) | undefined;
    const reached = new Promise<LobbyEntry[]>((resolve) => {
      watcher = () => {
        if (!where(this.lobby)) return;
        this.lobbyWatchers.delete(watcher!);
        resolve(this.lobby);
      };
      this.lobbyWatchers.add(watcher);
    });
    return withTimeout(reached, timeoutMs, () => {
      this.lobbyWatchers.delete(watcher!);
      return `${what} (lobby now: ${JSON.stringify(this.lobby)})`;
    });
  }

  /**
   * A round-trip barrier: sends `ping` and waits for its `pong`. The server answers once it has
   * handled everything this client sent before, so all it caused has been sent (to everyone)
   * before the pong. Returns the messages that arrived before the pong and are still unread.
   */
  async barrier(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerMessage[]> {
    const id = ++this.pings;
    this.send({ type: "ping", id });
    await this.next("pong", { where: (m) => m.id === id, timeoutMs });
    return [...this.unread];
  }

  /**
   * The next unread message of `type` (optionally also matching `where`);
   * waits for it up to `timeoutMs`. Unread messages of other types stay unread.
   */
  next<T extends Type>(
    type: T,
    options: { where?: (message: ServerMessageOf<T>) => boolean; timeoutMs?: number } = {},
  ): Promise<ServerMessageOf<T>> {
    const where = options.where ?? (() => true);
    return this.take(
      [type],
      (m) => m.type === type && where(m as ServerMessageOf<T>),
      options.timeoutMs,
    ) as Promise<ServerMessageOf<T>>;
  }

  /** The next unread message whose type is one of `types`. */
  nextOf(types: readonly Type[], timeoutMs?: number): Promise<ServerMessage> {
    return this.take(types, (m) => types.includes(m.type), timeoutMs);
  }

  /**
   * Fails if a message of `type` is unread once everything `after` sent (the clients whose
   * actions might have caused one) has been handled, and then everything sent to this client
   * has arrived: a barrier on each of them, then on this client. No quiet window to guess.
   */
  async expectNone(type: Type, after: readonly TestClient[] = []): Promise<void> {
    for (const actor of after) if (actor !== this && actor.isOpen) await actor.barrier();
    await this.barrier();
    const found = this.unread.find((m) => m.type === type);
    if (found) throw new Error(`expected no '${type}' but got ${JSON.stringify(found).slice(0, 300)}`);
  }

  /** Marks every message received so far as read; returns them. */
  discardUnread(): ServerMessage[] {
    return this.unread.splice(0);
  }

  /** Like expectNone, for any message at all. */
  async expectNothing(after: readonly TestClient[] = []): Promise<void> {
    for (const actor of after) if (actor !== this && actor.isOpen) await actor.barrier();
    await this.barrier();
    if (this.unread.length) throw new Error(`expected no message but got ${JSON.stringify(this.unread).slice(0, 300)}`);
  }

  /** Waits for the socket to close. */
  async waitClosed(timeoutMs = DEFAULT_TIMEOUT_MS): Promise<Closed> {
    return withTimeout(this.closed, timeoutMs, () => "the socket to close");
  }

  /** Closes the socket (normal closure) and waits until it is closed. */
  async close(): Promise<Closed> {
    if (this.closedWith) return this.closedWith;
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CLOSING) this.resumeReading();
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close(1000);
    try {
      return await this.waitClosed(2_000);
    } catch {
      this.ws.terminate();
      return this.closed;
    }
  }

  private take(types: readonly Type[], match: (m: ServerMessage) => boolean, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<ServerMessage> {
    if (this.invalid.length) return Promise.reject(new Error(`the server sent an invalid message: ${this.invalid[0]}`));
    const index = this.unread.findIndex(match);
    if (index >= 0) return Promise.resolve(this.unread.splice(index, 1)[0]!);
    let waiter: Waiter | undefined;
    const arrived = new Promise<ServerMessage>((resolve) => {
      waiter = { match, resolve };
      this.waiters.add(waiter);
    });
    return withTimeout(arrived, timeoutMs, () => {
      this.waiters.delete(waiter!);
      const seen = this.messages.map((m) => (m.type === "error" ? `error(${m.code})` : m.type)).join(", ");
      return `'${types.join("' or '")}' (received so far: ${seen || "nothing"}${this.closedWith ? `; closed with ${this.closedWith.code}` : ""})`;
    });
  }

  private onMessage(text: string, isBinary: boolean): void {
    let parsed: ReturnType<typeof ServerMessage.safeParse> | undefined;
    try {
      parsed = isBinary ? undefined : ServerMessage.safeParse(JSON.parse(text));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) {
      this.invalid.push(text.slice(0, 300));
      violations.push(text.slice(0, 300));
      return;
    }
    const message = parsed.data;
    this.messages.push(message);
    this.frames.push(JSON.parse(text));
    this.foldLobby(message);
    for (const waiter of this.waiters) {
      if (waiter.match(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
        return;
      }
    }
    this.unread.push(message);
  }

  private foldLobby(message: ServerMessage): void {
    if (message.type === "lobbyChanged") {
      this.lobbyView.clear();
      for (const entry of message.waiting) this.lobbyView.set(entry.id, entry);
    } else if (message.type === "lobbyJoined") this.lobbyView.set(message.entry.id, message.entry);
    else if (message.type === "lobbyLeft") this.lobbyView.delete(message.participantId);
    else if (message.type === "roleChanged" && message.role === "participant") this.lobbyView.clear();
    else return;
    for (const watcher of [...this.lobbyWatchers]) watcher();
  }
}

/** The server answered the WebSocket upgrade with an HTTP status instead of 101. */
export class UpgradeRefused extends Error {
  constructor(readonly status: number) {
    super(`the WebSocket upgrade was refused with HTTP ${status}`);
  }
}

/** The TCP socket under a ws WebSocket (ws keeps it in a private field). */
function socketOf(ws: WebSocket): Duplex {
  const socket = (ws as unknown as { _socket?: Duplex })._socket;
  if (!socket) throw new Error("the WebSocket has no socket (not open yet, or closed)");
  return socket;
}

/**
 * Closes every client that is still open (for `after` hooks), then fails if
 * the server ever sent any client a message the protocol does not have.
 */
export async function closeAllClients(): Promise<void> {
  await Promise.all([...open].map((client) => client.close()));
  if (violations.length) throw new Error(`the server sent invalid messages: ${violations.splice(0).join(" | ")}`);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what()}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
