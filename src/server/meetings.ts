/**
 * Creating meetings (`POST /api/meetings`).
 *
 * Every creation makes a new room and a moderator key for it
 * (src/meeting/moderator-keys.ts), so the answer never says anything about a
 * room that exists already: a random 128-bit name, or a chosen name with
 * such a random suffix. Only an operator's token (a JWT signed with the
 * creation secret, as in Jitsi's JWT mode) can name an exact room, for
 * recurring meetings an operator's portal hands out. Who may create at all
 * is the operator's choice: anyone, or holders of such a token.
 */
import { randomBytes } from "node:crypto";
import { jwtVerify, type JWTVerifyOptions } from "jose";
import { RoomName } from "../protocol/messages.js";
import type { ModeratorKeys } from "../meeting/moderator-keys.js";
import { CONSULTATION_ROOM_PREFIX, isConsultationRoom } from "../meeting/admission.js";
import type { Config } from "./config.js";

export type CreateResult =
  | { ok: true; room: RoomName; moderatorKey: string }
  | { ok: false; status: 400 | 401; error: string };

/** A chosen name's part before the random suffix: 41 + "-" + 22 = 64, the longest room name. */
const CHOSEN_NAME = /^[A-Za-z0-9_-]{1,41}$/;

/** 128 random bits, 22 base64url characters. */
const randomPart = () => randomBytes(16).toString("base64url");

export class MeetingCreator {
  constructor(
    private readonly config: Config,
    private readonly keys: ModeratorKeys,
  ) {}

  /**
   * A new meeting and its owner's moderator key. With creation "token", the Authorization header
   * must carry a valid `Bearer <JWT>`; a token with a `room` claim names the exact room.
   */
  async create(authorization: string | undefined, name: unknown): Promise<CreateResult> {
    const token = await this.verifyToken(authorization);
    if ("error" in token) return { ok: false, status: 401, error: token.error };
    let room: RoomName;
    if (token.room !== undefined) room = token.room;
    else if (name === undefined || name === null || name === "") room = randomPart();
    else if (typeof name === "string" && CHOSEN_NAME.test(name)) room = `${name}-${randomPart()}`;
    else return { ok: false, status: 400, error: "a chosen name has 1–41 letters, digits, '-' or '_' (a random part is added)" };
    if (isConsultationRoom(room)) return { ok: false, status: 400, error: `names beginning with '${CONSULTATION_ROOM_PREFIX}' are kept for video consultations` };
    const lifetimeMs = this.config.meetings.moderatorKeyDays * 24 * 3600 * 1000;
    return { ok: true, room, moderatorKey: this.keys.issueOwner(room, lifetimeMs) };
  }

  /** The token's room claim (if any), `{}` where no token is needed and none came, or why it is refused. */
  private async verifyToken(authorization: string | undefined): Promise<{ room?: RoomName } | { error: string }> {
    const { creation, creationSecret, creationIssuer, creationAudience } = this.config.meetings;
    const token = /^Bearer (\S+)$/.exec(authorization ?? "")?.[1];
    if (!token) return creation === "token" ? { error: "creating meetings needs a token" } : {};
    if (!creationSecret) return { error: "this server takes no creation tokens" };
    const options: JWTVerifyOptions = {
      algorithms: ["HS256"],
      // A token without an expiry would be good forever once it leaks.
      requiredClaims: ["exp"],
      ...(creationIssuer ? { issuer: creationIssuer } : {}),
      ...(creationAudience ? { audience: creationAudience } : {}),
    };
    try {
      const { payload } = await jwtVerify(token, new TextEncoder().encode(creationSecret), options);
      if (payload.room === undefined) return {};
      const room = RoomName.safeParse(payload.room);
      return room.success ? { room: room.data } : { error: "the token's room is not a valid room name" };
    } catch {
      return { error: "the token is not valid" };
    }
  }
}
