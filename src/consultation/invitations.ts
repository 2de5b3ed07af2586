/**
 * Invitations of a third person into a running consultation (docs/consultation.md, "A third
 * person"), held in memory only, like appointments: a staff member in a call asks for one and
 * sends its link to an interpreter or a relative. The token is 128 random bits; it works for a
 * quarter of an hour and only while the call it was made for runs (`forget` when it ends).
 *
 * Pure logic over plain data, with the clock and the random source passed in (unit-tested).
 */
import { randomBytes } from "node:crypto";

/** How long an invitation link works (at most: the call's end ends it sooner). */
export const INVITATION_MS = 15 * 60 * 1000;
/** Invitations held at once, so that no one fills the server's memory. */
export const MAX_INVITATIONS = 1_000;

export interface Invitation {
  token: string;
  expiresAt: number;
}

export class Invitations<Call> {
  private readonly byToken = new Map<string, { call: Call; expiresAt: number }>();

  constructor(private readonly randomToken: () => string = () => randomBytes(16).toString("base64url")) {}

  get size(): number {
    return this.byToken.size;
  }

  /** A new invitation into `call`; undefined when too many are held. */
  create(call: Call, now: number): Invitation | undefined {
    this.prune(now);
    if (this.byToken.size >= MAX_INVITATIONS) return undefined;
    const invitation = { token: this.randomToken(), expiresAt: now + INVITATION_MS };
    this.byToken.set(invitation.token, { call, expiresAt: invitation.expiresAt });
    return invitation;
  }

  /** The call a token invites into, if it is known and has not expired. */
  lookup(token: string, now: number): Call | undefined {
    this.prune(now);
    return this.byToken.get(token)?.call;
  }

  /** The call is over: every invitation into it stops working. */
  forget(call: Call): void {
    for (const [token, entry] of this.byToken) if (entry.call === call) this.byToken.delete(token);
  }

  private prune(now: number): void {
    for (const [token, entry] of this.byToken) if (entry.expiresAt <= now) this.byToken.delete(token);
  }
}
