/**
 * The protocol's plain constants, apart from the schemas in messages.ts so
 * the browser bundle can use them without shipping the schema library.
 */

/** Bumped whenever a message changes incompatibly. */
export const PROTOCOL_VERSION = 2;

/** Largest message either side may send, in bytes of UTF-8 JSON. */
export const MAX_MESSAGE_BYTES = 64 * 1024;

/** The WebSocket endpoint, relative to the page origin. */
export const SIGNALING_PATH = "/ws";

/** Room names: letters, digits, `-` and `_`, 1 to 64 of them. */
export const ROOM_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Every WebSocket close code Treff sends or asks for, standard (1xxx) and its own (4xxx). */
export const CloseCode = {
  /** The person left (`leave`), or the client closes its own socket for good. */
  normal: 1000,
  /** The server is shutting down; reconnect to another (or the same, restarted) server. */
  goingAway: 1001,
  /** The media server restarted: rejoin, everything is set up afresh. */
  mediaRestart: 1012,
  /** The server is at a limit (connections from this address, server-wide); try again later. */
  tryAgainLater: 1013,
  /** The client closes its socket to open a new one (its reconnect logic). */
  reconnect: 4000,
  /** Another connection took over this participant (`join` with its resume token). */
  replaced: 4001,
  /** Refused at the lobby, removed by a moderator, or the meeting ended (see the `farewell` message). */
  farewell: 4003,
  /** Too many messages, or too many invalid ones. */
  abuse: 4008,
} as const;

/** Close codes after which a client must not reconnect on its own. */
export const FINAL_CLOSE_CODES: readonly number[] = [CloseCode.replaced, CloseCode.farewell, CloseCode.abuse];
