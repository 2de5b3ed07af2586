/**
 * The browser's end of the signaling WebSocket: typed send, typed handlers
 * per message type, and automatic reconnection with backoff. Whoever uses
 * it re-joins on `open` after a reconnect.
 */
import { FINAL_CLOSE_CODES, SIGNALING_PATH } from "../protocol/constants.js";
import type { ClientMessageInput, ServerMessage } from "../protocol/messages.js";

type Handlers = { [T in ServerMessage["type"]]?: (message: Extract<ServerMessage, { type: T }>) => void };

export interface SignalingEvents {
  /** The socket is open (first time or after a reconnect). */
  open(reconnected: boolean): void;
  /** The socket closed; unless `final` (or stop() was called) it reconnects by itself. */
  close(code: number, final: boolean): void;
}

export class SignalingClient {
  private socket: WebSocket | undefined;
  private handlers: Handlers = {};
  private stopped = false;
  private attempts = 0;
  private everOpened = false;

  constructor(private readonly events: SignalingEvents) {}

  on<T extends ServerMessage["type"]>(type: T, handler: NonNullable<Handlers[T]>): void {
    (this.handlers as Record<string, unknown>)[type] = handler;
  }

  connect(): void {
    const url = new URL(SIGNALING_PATH, location.href);
    url.protocol = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempts = 0;
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.events.open(reconnected);
    };
    socket.onmessage = (event) => this.dispatch(String(event.data));
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      const final = FINAL_CLOSE_CODES.includes(event.code);
      if (final) this.stopped = true;
      this.events.close(event.code, final);
      if (this.stopped) return;
      const delay = Math.min(250 * 2 ** this.attempts++, 5_000);
      window.setTimeout(() => this.stopped || this.connect(), delay);
    };
  }

  get isOpen(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Bytes sent on the socket and not yet gone out (0 while closed). */
  get backlog(): number {
    return this.socket?.bufferedAmount ?? 0;
  }

  send(message: ClientMessageInput): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Closes the current socket and opens a new one (used when media fails). */
  reconnect(): void {
    this.socket?.close(4000, "reconnect");
  }

  stop(): void {
    this.stopped = true;
    this.socket?.close(1000, "bye");
  }

  private dispatch(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      return;
    }
    const handler = this.handlers[message.type] as ((m: ServerMessage) => void) | undefined;
    handler?.(message);
  }
}
