/**
 * The staff session cookie: `s1.<staff id>.<expiry, Unix seconds>.<HMAC-SHA256>`, signed with a
 * key derived from the server secret (without TREFF_SECRET, sessions end when the server
 * restarts). HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it),
 * Secure when the request came over https. The server keeps no session list: a removed account's
 * cookie stops working because the account is looked up on every use.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "treff_staff";
/** A working day and a bit. */
export const SESSION_LIFETIME_SECONDS = 12 * 3600;

export class StaffSessions {
  constructor(private readonly key: Buffer) {}

  issue(staffId: string, nowMs = Date.now()): string {
    const payload = `s1.${staffId}.${Math.floor(nowMs / 1000) + SESSION_LIFETIME_SECONDS}`;
    return `${payload}.${this.sign(payload)}`;
  }

  /** The staff id a valid, unexpired cookie value names. */
  verify(value: string | undefined, nowMs = Date.now()): string | undefined {
    const parts = value?.split(".");
    if (!parts || parts.length !== 4 || parts[0] !== "s1") return undefined;
    const [, staffId, expiry, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(this.sign(`s1.${staffId}.${expiry}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    return Number(expiry) * 1000 > nowMs ? staffId : undefined;
  }

  /** The Set-Cookie header value for a new session. */
  cookie(value: string, secure: boolean): string {
    return `${SESSION_COOKIE}=${value}; Path=/; Max-Age=${SESSION_LIFETIME_SECONDS}; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
  }

  /** The Set-Cookie header value that ends a session. */
  clearedCookie(secure: boolean): string {
    return `${SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict${secure ? "; Secure" : ""}`;
  }

  private sign(payload: string): string {
    return createHmac("sha256", this.key).update(payload).digest("base64url");
  }
}

/** The session cookie's value from a Cookie header. */
export function sessionCookieValue(header: string | undefined): string | undefined {
  for (const part of header?.split(";") ?? []) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return rest.join("=");
  }
  return undefined;
}
