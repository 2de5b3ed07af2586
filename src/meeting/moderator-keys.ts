/**
 * Moderator keys: signed credentials that make their holder a moderator of
 * one meeting, and nothing else; and invitation keys, which let their holder into one
 * reserved room as a participant (a video consultation's room, admission.ts).
 *
 * A key is made only for whoever created the meeting (`owner`, when the
 * meeting is created), for someone a moderator promoted (`promoted`, bound
 * to that one run of the meeting), or for the holder of an operator's token
 * (an `owner` key for the room the token names). Each key has an id of its
 * own, so a meeting can shut out one key (demotion, removal) without
 * touching the others, and an expiry, after which it is worth nothing.
 *
 * Format: `m1.<payload>.<signature>`, payload = base64url(JSON), signature =
 * HMAC-SHA256 under a key derived from the server secret. The server keeps
 * no list of keys: it checks the signature, the room, the expiry and, for a
 * promoted key, that the meeting it was made in is still running. Nothing in
 * a key names a person. An `invited` key (made only by the consultation hub, for the
 * three people of a consultation with a third person) makes no one a moderator.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { RoomName } from "../protocol/messages.js";

export type ModeratorGrant = "owner" | "promoted";
/** What a key grants: moderation, or (`invited`) entry to a reserved room as a participant. */
export type KeyGrant = ModeratorGrant | "invited";

/** What a valid key says. */
export interface ModeratorClaims {
  room: RoomName;
  grant: KeyGrant;
  /** The key's own random id: what a meeting shuts out on demotion or removal. */
  id: string;
  /** Until when the key is valid, ms since 1970. */
  expiresAt: number;
  /** For a promoted key: the run of the meeting it was made in (a new run after everyone left has a new one). */
  instance?: string;
}

/** The payload as it travels, with short field names (the key sits in a link). */
interface Payload {
  r: string;
  g: "o" | "p" | "i";
  i: string;
  /** Expiry in Unix seconds: clients read it to forget a key in time. */
  e: number;
  n?: string;
}

const PREFIX = "m1";
const GRANTS = { o: "owner", p: "promoted", i: "invited" } as const;

export class ModeratorKeys {
  constructor(
    /** Derived from the server secret for this purpose only (see deriveSecret). */
    private readonly signingKey: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A key for a meeting's creator (or an operator's token holder), valid for `lifetimeMs`. With
   * `id`: the same key renewed (every copy of it is still shut out together).
   */
  issueOwner(room: RoomName, lifetimeMs: number, id = newKeyId()): string {
    return this.issue({ r: room, g: "o", i: id, e: this.expiry(lifetimeMs) });
  }

  /** A key for someone promoted in the meeting run `instance`; it dies with that run or after `lifetimeMs`. */
  issuePromoted(room: RoomName, instance: string, lifetimeMs: number, id = newKeyId()): string {
    return this.issue({ r: room, g: "p", i: id, e: this.expiry(lifetimeMs), n: instance });
  }

  /** A key that lets its holder into `room` as a participant (a consultation's room), for `lifetimeMs`. */
  issueInvited(room: RoomName, lifetimeMs: number): string {
    return this.issue({ r: room, g: "i", i: newKeyId(), e: this.expiry(lifetimeMs) });
  }

  /**
   * The claims of a key that is genuine, for `room`, and not expired; undefined for anything
   * else (forged, another room's, expired, malformed). Whether a promoted key's run is still
   * going and whether the meeting shut the key out is for the meeting to check.
   */
  verify(room: RoomName, key: string | undefined): ModeratorClaims | undefined {
    if (!key) return undefined;
    const [prefix, payloadText, signature, ...rest] = key.split(".");
    if (prefix !== PREFIX || !payloadText || !signature || rest.length > 0) return undefined;
    const expected = this.sign(payloadText);
    const given = Buffer.from(signature, "base64url");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    // One key, one spelling: base64url's last character has spare bits a decoder ignores.
    if (given.toString("base64url") !== signature) return undefined;
    const payload = parsePayload(payloadText);
    if (!payload || payload.r !== room || payload.e * 1000 <= this.now()) return undefined;
    return {
      room: payload.r,
      grant: GRANTS[payload.g],
      id: payload.i,
      expiresAt: payload.e * 1000,
      ...(payload.n ? { instance: payload.n } : {}),
    };
  }

  private issue(payload: Payload): string {
    const payloadText = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${PREFIX}.${payloadText}.${this.sign(payloadText).toString("base64url")}`;
  }

  private sign(payloadText: string): Buffer {
    return createHmac("sha256", this.signingKey).update(`${PREFIX}.${payloadText}`).digest();
  }

  private expiry(lifetimeMs: number): number {
    return Math.floor((this.now() + lifetimeMs) / 1000);
  }
}

/** A 96-bit random id: for keys, and for a meeting's run. */
export function newKeyId(): string {
  return randomBytes(12).toString("base64url");
}

/**
 * A key for one purpose from the server secret, so that moderator keys, and whatever else is
 * signed with the secret later, can never be mistaken for one another.
 */
export function deriveSecret(serverSecret: Buffer, purpose: string): Buffer {
  return createHmac("sha256", serverSecret).update(`treff:${purpose}`).digest();
}

function parsePayload(text: string): Payload | undefined {
  try {
    const value = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as Partial<Payload>;
    const fine =
      typeof value.r === "string" &&
      (value.g === "o" || value.g === "p" || value.g === "i") &&
      typeof value.i === "string" &&
      typeof value.e === "number" &&
      (value.n === undefined || typeof value.n === "string") &&
      (value.g !== "p" || typeof value.n === "string");
    return fine ? (value as Payload) : undefined;
  } catch {
    return undefined;
  }
}
