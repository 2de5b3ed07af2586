/**
 * What nodes say to each other when one carries a connection (the edge,
 * where the WebSocket is) and another runs its room. Each envelope is one
 * Redis PUBLISH to the receiving node's inbox; Redis keeps the order of one
 * publisher's messages, so a connection's messages arrive in order.
 *
 * Envelopes are checked like WebSocket frames: the client messages inside
 * against the protocol again (the room's node trusts no wire), the server
 * messages too. Anything else is dropped.
 */
import { z } from "zod";
import { ClientMessage, ServerMessage, type ClientMessageOf } from "../protocol/messages.js";

/** Bumped when an envelope changes incompatibly: nodes of another version ignore each other's. */
export const RELAY_VERSION = 1;

const Id = z.string().min(1).max(64);

const Wire = z.discriminatedUnion("t", [
  /** Edge → room: a connection's `join`; `a` is its address group as an HMAC (cluster-secrets.ts). */
  z.object({ t: z.literal("open"), c: Id, e: Id, j: z.unknown(), a: z.string().max(64) }),
  /** Edge → room: one of the connection's later messages. */
  z.object({ t: z.literal("msg"), c: Id, e: Id, m: z.unknown() }),
  /** Edge → room: the connection closed (`p`: the person left on purpose). */
  z.object({ t: z.literal("close"), c: Id, e: Id, p: z.boolean() }),
  /** Room → edge: a message for the connection. */
  z.object({ t: z.literal("send"), c: Id, m: z.unknown() }),
  /** Room → edge: close the connection with this code. */
  z.object({ t: z.literal("end"), c: Id, code: z.number().int().min(1000).max(4999), reason: z.string().max(123) }),
]);

export type Envelope =
  | { t: "open"; c: string; e: string; j: ClientMessageOf<"join">; a: string }
  | { t: "msg"; c: string; e: string; m: ClientMessage }
  | { t: "close"; c: string; e: string; p: boolean }
  | { t: "send"; c: string; m: ServerMessage }
  | { t: "end"; c: string; code: number; reason: string };

export function encodeEnvelope(envelope: Envelope): string {
  return JSON.stringify({ v: RELAY_VERSION, ...envelope });
}

/** The envelope in a published text, fully checked; undefined for anything malformed or of another version. */
export function decodeEnvelope(text: string): Envelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof json !== "object" || json === null || (json as { v?: unknown }).v !== RELAY_VERSION) return undefined;
  const wire = Wire.safeParse(json);
  if (!wire.success) return undefined;
  const envelope = wire.data;
  switch (envelope.t) {
    case "open": {
      const join = ClientMessage.safeParse(envelope.j);
      return join.success && join.data.type === "join" ? { t: "open", c: envelope.c, e: envelope.e, j: join.data, a: envelope.a } : undefined;
    }
    case "msg": {
      const message = ClientMessage.safeParse(envelope.m);
      return message.success ? { t: "msg", c: envelope.c, e: envelope.e, m: message.data } : undefined;
    }
    case "send": {
      const message = ServerMessage.safeParse(envelope.m);
      return message.success ? { t: "send", c: envelope.c, m: message.data } : undefined;
    }
    case "close":
    case "end":
      return envelope;
  }
}
