/**
 * Moderator keys made the way the server makes them, from the same secret:
 * what an operator's tooling (or a test) holds for a room it created.
 */
import { ModeratorKeys, deriveSecret } from "../../src/meeting/moderator-keys.js";

const DAY_MS = 24 * 3600 * 1000;

/** An owner's moderator key for `room`, valid for a day, under the server secret `secret`. */
export function ownerKey(secret: string, room: string): string {
  return new ModeratorKeys(deriveSecret(Buffer.from(secret), "moderator-keys")).issueOwner(room, DAY_MS);
}
