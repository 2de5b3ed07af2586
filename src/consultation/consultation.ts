/**
 * The video consultation for practices (docs/consultation.md), assembled: the staff file, staff
 * sessions and passkeys, appointments in memory, and the hub that runs the queue and relays
 * each call's signaling. app.ts makes one; http.ts registers its routes; signaling.ts hands it
 * the `consult*` messages.
 */
import { KeyedBuckets } from "../common/per-key.js";
import type { Logger } from "../common/log.js";
import type { IceServer, RoomName } from "../protocol/messages.js";
import { Appointments } from "./appointments.js";
import { ConsultationHub } from "./hub.js";
import { OidcSignIn, type OidcSettings } from "./oidc.js";
import { Passkeys } from "./passkeys.js";
import { StaffSessions, sessionCookieValue } from "./staff-session.js";
import { StaffStore, type StaffAccount } from "./staff-store.js";

export interface ConsultationOptions {
  dataDir: string;
  /** The address patients and staff use (https://…); unset: taken from each request's Host. */
  publicUrl: string | undefined;
  /** The organisation's OpenID Connect provider, if staff may sign in there. */
  oidc: OidcSettings | undefined;
  /** Key for the session cookies, derived from the server secret. */
  sessionKey: Buffer;
  /** The operator's name: the practice's name until the staff file sets one. */
  operatorName: string;
  iceServers: () => IceServer[];
  /** An invitation key into a consultation's media-server room (a call with a third person). */
  roomKey: (room: RoomName) => string;
  log: Logger;
}

/** Tries to wait with a code, per address group: a burst, then one every six seconds (8-digit codes). */
const CODE_ATTEMPTS_BURST = 10;
const CODE_ATTEMPTS_PER_SECOND = 1 / 6;

export class Consultation {
  readonly store: StaffStore;
  readonly sessions: StaffSessions;
  readonly passkeys: Passkeys;
  readonly appointments = new Appointments();
  readonly hub: ConsultationHub;
  readonly publicUrl: URL | undefined;
  readonly log: Logger;
  readonly oidc: OidcSignIn | undefined;

  constructor(private readonly options: ConsultationOptions) {
    this.log = options.log;
    this.store = new StaffStore(options.dataDir);
    this.sessions = new StaffSessions(options.sessionKey);
    this.passkeys = new Passkeys(this.store, () => this.practiceName());
    this.publicUrl = options.publicUrl ? new URL(options.publicUrl) : undefined;
    this.oidc = options.oidc ? new OidcSignIn(options.oidc, this.store) : undefined;
    this.hub = new ConsultationHub({
      appointments: this.appointments,
      practiceName: () => this.practiceName(),
      iceServers: options.iceServers,
      roomKey: options.roomKey,
      staffOf: (cookie) => this.staffOf(cookie)?.id,
      codeAttempts: new KeyedBuckets(CODE_ATTEMPTS_BURST, CODE_ATTEMPTS_PER_SECOND),
      log: options.log,
    });
  }

  practiceName(): string {
    return this.store.practiceName() || this.options.operatorName;
  }

  /** The staff account a Cookie header's session names, if the session is valid and the account still exists. */
  staffOf(cookieHeader: string | undefined): StaffAccount | undefined {
    const id = this.sessions.verify(sessionCookieValue(cookieHeader));
    if (!id) return undefined;
    try {
      return this.store.find(id);
    } catch (error) {
      // A broken staff file signs nobody in (and says why once per attempt), rather than failing the connection.
      this.log.error({ err: (error as Error).message }, "cannot read the consultation's staff file");
      return undefined;
    }
  }
}
