/**
 * Staff accounts and practice settings: the only things the consultation keeps on disk, in one
 * small JSON file (`<dataDir>/consultation.json`, docs/consultation.md). Nothing about
 * appointments, patients or calls is ever written here.
 *
 * An account is a name, a random id and its passkeys (public keys only: no password exists to
 * leak). A new account carries a one-time enrolment token, stored as its SHA-256 hash, until
 * the staff member registers their first passkey with it or it expires.
 *
 * Writes go to a temporary file that is then renamed over the old one, so a crash leaves the
 * old file or the new one, never half of one. The operator's command and the server may both
 * write: each write re-reads the file first and changes only what it means to change.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** How long an enrolment link works. */
export const ENROLMENT_LIFETIME_MS = 7 * 24 * 3600 * 1000;

const Passkey = z.object({
  /** The credential id, base64url. */
  id: z.string(),
  /** The COSE public key, base64url. */
  publicKey: z.string(),
  counter: z.number().int().min(0),
  transports: z.array(z.string()).optional(),
  createdAt: z.number(),
});
export type Passkey = z.infer<typeof Passkey>;

const StaffAccount = z.object({
  id: z.string(),
  name: z.string(),
  passkeys: z.array(Passkey).default([]),
  /** For staff who sign in through the organisation's OpenID Connect provider: who they are there. */
  oidc: z.object({ issuer: z.string(), subject: z.string() }).optional(),
  /** SHA-256 of the one-time enrolment token, while it is unused. */
  enrolment: z.object({ tokenHash: z.string(), expiresAt: z.number() }).optional(),
});
export type StaffAccount = z.infer<typeof StaffAccount>;

const StoreFile = z.object({
  version: z.literal(1),
  practice: z.object({ name: z.string().default("") }).prefault({}),
  staff: z.array(StaffAccount).default([]),
});
type StoreFile = z.infer<typeof StoreFile>;

export const STORE_FILE_NAME = "consultation.json";

export class StaffStore {
  readonly path: string;

  constructor(readonly dataDir: string) {
    this.path = join(dataDir, STORE_FILE_NAME);
  }

  /** The file as it is now; an absent file is an empty practice. A broken file throws: the operator must look. */
  read(): StoreFile {
    let text: string;
    try {
      text = readFileSync(this.path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return StoreFile.parse({ version: 1 });
      throw error;
    }
    const parsed = StoreFile.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${this.path} is not a valid staff file: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    return parsed.data;
  }

  private update<T>(change: (file: StoreFile) => T): T {
    const file = this.read();
    const result = change(file);
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
    return result;
  }

  practiceName(): string {
    return this.read().practice.name;
  }

  setPracticeName(name: string): void {
    this.update((file) => void (file.practice.name = name));
  }

  list(): StaffAccount[] {
    return this.read().staff;
  }

  find(id: string): StaffAccount | undefined {
    return this.read().staff.find((s) => s.id === id);
  }

  /** A new account and its one-time enrolment token (shown once, stored only as a hash). */
  add(name: string, now = Date.now()): { account: StaffAccount; token: string } {
    const token = randomBytes(24).toString("base64url");
    const account: StaffAccount = {
      id: randomBytes(9).toString("base64url"),
      name,
      passkeys: [],
      enrolment: { tokenHash: hashToken(token), expiresAt: now + ENROLMENT_LIFETIME_MS },
    };
    this.update((file) => file.staff.push(account));
    return { account, token };
  }

  /** A fresh enrolment token for an existing account (a new device, a lost passkey). */
  renewEnrolment(id: string, now = Date.now()): string | undefined {
    const token = randomBytes(24).toString("base64url");
    const found = this.update((file) => {
      const account = file.staff.find((s) => s.id === id || s.name === id);
      if (account) account.enrolment = { tokenHash: hashToken(token), expiresAt: now + ENROLMENT_LIFETIME_MS };
      return Boolean(account);
    });
    return found ? token : undefined;
  }

  remove(idOrName: string): boolean {
    return this.update((file) => {
      const before = file.staff.length;
      file.staff = file.staff.filter((s) => s.id !== idOrName && s.name !== idOrName);
      return file.staff.length < before;
    });
  }

  /** The account an unused, unexpired enrolment token belongs to. */
  byEnrolmentToken(token: string, now = Date.now()): StaffAccount | undefined {
    const hash = hashToken(token);
    return this.read().staff.find((s) => s.enrolment && s.enrolment.tokenHash === hash && s.enrolment.expiresAt > now);
  }

  /** Stores a newly registered passkey and uses up the enrolment token. */
  addPasskey(staffId: string, passkey: Passkey): void {
    this.update((file) => {
      const account = file.staff.find((s) => s.id === staffId);
      if (!account) throw new Error("no such staff account");
      account.passkeys.push(passkey);
      delete account.enrolment;
    });
  }

  byCredentialId(credentialId: string): { account: StaffAccount; passkey: Passkey } | undefined {
    for (const account of this.read().staff) {
      const passkey = account.passkeys.find((p) => p.id === credentialId);
      if (passkey) return { account, passkey };
    }
    return undefined;
  }

  byOidc(issuer: string, subject: string): StaffAccount | undefined {
    return this.read().staff.find((s) => s.oidc?.issuer === issuer && s.oidc.subject === subject);
  }

  /** The account of someone the organisation's provider signed in for the first time. */
  addOidc(name: string, issuer: string, subject: string): StaffAccount {
    const account: StaffAccount = { id: randomBytes(9).toString("base64url"), name, passkeys: [], oidc: { issuer, subject } };
    this.update((file) => file.staff.push(account));
    return account;
  }

  /** The authenticator's signature counter after a sign-in (a cloned key would fall behind). */
  updateCounter(credentialId: string, counter: number): void {
    this.update((file) => {
      for (const account of file.staff) for (const p of account.passkeys) if (p.id === credentialId) p.counter = counter;
    });
  }
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
