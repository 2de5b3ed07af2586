/**
 * STUN/TURN servers handed to browsers in `joined` (and, for the
 * connectivity check, in `probeServers`), with ephemeral TURN
 * credentials (the "TURN REST API" scheme that coturn implements with
 * `use-auth-secret` and `static-auth-secret`).
 *
 * Treff and the TURN server share one secret and nothing else: Treff signs a
 * username that says until when it is valid, and the TURN server checks the
 * signature and the time itself. No user list, no database, no call between
 * the two; a leaked credential stops working after `ttlSeconds`.
 */
import { createHmac, randomBytes } from "node:crypto";
import type { IceServer } from "../protocol/messages.js";
import type { Config } from "./config.js";

export interface TurnCredential {
  /** `<expiry, Unix seconds>:<random id>`: the TURN server reads the expiry from it. */
  username: string;
  /** base64(HMAC-SHA1(secret, username)), as the TURN server recomputes it. */
  credential: string;
}

/**
 * A credential valid until `nowMs + ttlSeconds`. The part after the colon is
 * random per call and carries no user data: the TURN server's log cannot tie
 * an allocation to a person or a room.
 */
export function turnCredential(secret: string, ttlSeconds: number, nowMs: number, id = randomBytes(9).toString("base64url")): TurnCredential {
  const expiry = Math.floor(nowMs / 1000) + ttlSeconds;
  const username = `${expiry}:${id}`;
  return { username, credential: createHmac("sha1", secret).update(username).digest("base64") };
}

/** A connectivity check takes seconds: its TURN credential is good for ten minutes at most. */
export const PROBE_TTL_SECONDS = 600;

/**
 * The configured ICE servers, plus Treff's TURN server with a fresh
 * credential when TURN urls are set. Called for each `joined` (valid for the
 * configured TTL: a relay allocation is re-authenticated while it lasts, so
 * the credential must outlive the meeting) and each check (`ttlSeconds`
 * given: much shorter).
 */
export function iceServersFor(config: Pick<Config, "iceServers" | "turn">, now: () => number = Date.now, ttlSeconds = config.turn.ttlSeconds): IceServer[] {
  const { secret, urls } = config.turn;
  // The configuration refuses urls without a secret; the check keeps the types honest.
  if (urls.length === 0 || !secret) return config.iceServers;
  return [...config.iceServers, { urls: [...urls], ...turnCredential(secret, Math.min(ttlSeconds, config.turn.ttlSeconds), now()) }];
}
