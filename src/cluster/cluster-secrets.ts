/**
 * What the nodes of one Treff service derive from their shared TREFF_SECRET,
 * so that Redis never holds a room name, a client address or a room's state
 * in the clear:
 *
 * - a room's key in Redis is an HMAC of its name: the name is the meeting's
 *   link (whoever knows it may knock), so Redis must not hand it out;
 * - a client's address group travels between nodes as an HMAC too: the
 *   room's node needs it only as a key for per-network limits;
 * - a room's recoverable state is sealed (AES-256-GCM): whoever reads Redis
 *   learns neither the token hashes nor the password's scrypt hash, which
 *   would let them guess a weak meeting password offline.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from "node:crypto";
import { deriveSecret } from "../meeting/moderator-keys.js";

const IV_BYTES = 12;
const TAG_BYTES = 16;

export class ClusterSecrets {
  private readonly roomKey: Buffer;
  private readonly addressKey: Buffer;
  private readonly sealKey: Buffer;

  constructor(serverSecret: Buffer) {
    this.roomKey = deriveSecret(serverSecret, "cluster-room");
    this.addressKey = deriveSecret(serverSecret, "cluster-address");
    this.sealKey = deriveSecret(serverSecret, "cluster-state");
  }

  /** The room's name as Redis knows it. */
  roomId(name: string): string {
    return createHmac("sha256", this.roomKey).update(name).digest("base64url");
  }

  /** A client's address group as other nodes see it: equal for equal groups, and nothing more. */
  addressId(group: string): string {
    return createHmac("sha256", this.addressKey).update(group).digest("base64url").slice(0, 22);
  }

  /** Encrypts and authenticates `plain`; `context` (the room id) binds it to its key, so a blob cannot be moved to another room. */
  seal(plain: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.sealKey, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64");
  }

  /** The plain text of a sealed blob, or undefined if it was not sealed by this service for `context`. */
  open(sealed: string, context: string): string | undefined {
    const bytes = Buffer.from(sealed, "base64");
    if (bytes.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.sealKey, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch {
      return undefined;
    }
  }
}
