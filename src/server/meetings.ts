/**
 * Creating meetings and recognising their moderators.
 *
 * A moderator key is an HMAC of the room name under the server's secret, so
 * the server keeps no per-meeting key at all: it recomputes and compares.
 * Who may create meetings is the operator's choice: anyone, or holders of a
 * token (a JWT signed HS256 with the creation secret, as in Jitsi's JWT mode).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { jwtVerify } from "jose";
import { RoomName } from "../protocol/messages.js";
import type { Config } from "./config.js";

/** How long a hand-picked room name stays reserved for the one who created it. */
const CLAIM_MS = 24 * 3600 * 1000;

export type CreateResult =
  | { ok: true; room: string; moderatorKey: string }
  | { ok: false; status: 400 | 401 | 409; error: string };

export class MeetingCreator {
  private readonly secret: Buffer;
  /** Hand-picked names already handed out, with when the claim ends. Memory only. */
  private readonly claims = new Map<string, number>();

  constructor(
    private readonly config: Config,
    private readonly now: () => number = Date.now,
  ) {
    this.secret = config.secret ? Buffer.from(config.secret) : randomBytes(32);
  }

  /** Whether the secret was generated at start (moderator links die with a restart). */
  get ephemeralSecret(): boolean {
    return !this.config.secret;
  }

  moderatorKey(room: RoomName): string {
    return createHmac("sha256", this.secret).update(`moderator:${room}`).digest("base64url");
  }

  isModeratorKey(room: RoomName, key: string | undefined): boolean {
    if (!key) return false;
    const expected = Buffer.from(this.moderatorKey(room));
    const given = Buffer.from(key);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * A new meeting: a random 128-bit name, or `name` if nobody claimed it in
   * the last day. With creation "token", the Authorization header must carry
   * a valid `Bearer <JWT>`.
   */
  async create(authorization: string | undefined, name: unknown): Promise<CreateResult> {
    if (this.config.meetings.creation === "token") {
      const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
      if (!token) return { ok: false, status: 401, error: "creating meetings needs a token" };
      try {
        await jwtVerify(token, new TextEncoder().encode(this.config.meetings.creationSecret), { algorithms: ["HS256"] });
      } catch {
        return { ok: false, status: 401, error: "the token is not valid" };
      }
    }
    this.forgetExpiredClaims();
    if (name === undefined || name === null || name === "") {
      // 128 random bits: nobody can claim it first, so there is nothing to remember.
      const room = randomBytes(16).toString("base64url");
      return { ok: true, room, moderatorKey: this.moderatorKey(room) };
    }
    const parsed = RoomName.safeParse(name);
    if (!parsed.success) return { ok: false, status: 400, error: "meeting names have 1–64 letters, digits, '-' or '_'" };
    const room = parsed.data;
    if (this.claims.has(room)) return { ok: false, status: 409, error: "that name is taken; choose another" };
    this.claims.set(room, this.now() + CLAIM_MS);
    setTimeout(() => this.forgetExpiredClaims(), CLAIM_MS + 10).unref();
    return { ok: true, room, moderatorKey: this.moderatorKey(room) };
  }

  private forgetExpiredClaims(): void {
    const now = this.now();
    for (const [room, until] of this.claims) if (until <= now) this.claims.delete(room);
  }
}
