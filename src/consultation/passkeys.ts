/**
 * Staff sign-in with passkeys (WebAuthn), through @simplewebauthn/server: registration with the
 * one-time enrolment token, then sign-in with a discoverable credential (no user name to type).
 * Challenges live in memory for two minutes and are used once.
 */
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { StaffAccount, StaffStore } from "./staff-store.js";

/** Where the browser says it is: the relying party id (host name) and the page's origin. */
export interface RelyingParty {
  id: string;
  origin: string;
}

const CHALLENGE_LIFETIME_MS = 2 * 60 * 1000;
const MAX_CHALLENGES = 10_000;

interface Challenge {
  /** Registration challenges belong to one account; sign-in ones to nobody yet. */
  staffId: string | undefined;
  expiresAt: number;
}

export class Passkeys {
  private readonly challenges = new Map<string, Challenge>();

  constructor(
    private readonly store: StaffStore,
    private readonly rpName: () => string,
    private readonly now: () => number = Date.now,
  ) {}

  async registrationOptions(account: StaffAccount, rp: RelyingParty) {
    const options = await generateRegistrationOptions({
      rpName: this.rpName(),
      rpID: rp.id,
      userName: account.name,
      userID: new TextEncoder().encode(account.id),
      attestationType: "none",
      excludeCredentials: account.passkeys.map((p) => ({ id: p.id })),
      authenticatorSelection: { residentKey: "required", userVerification: "preferred" },
    });
    this.remember(options.challenge, account.id);
    return options;
  }

  /** Verifies a new passkey for `account` and stores it; false if it does not verify. */
  async register(account: StaffAccount, response: RegistrationResponseJSON, rp: RelyingParty): Promise<boolean> {
    const verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: (challenge) => this.use(challenge, account.id),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      requireUserVerification: false,
    }).catch(() => undefined);
    if (!verification?.verified) return false;
    const { credential } = verification.registrationInfo;
    this.store.addPasskey(account.id, {
      id: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString("base64url"),
      counter: credential.counter,
      ...(credential.transports ? { transports: credential.transports } : {}),
      createdAt: this.now(),
    });
    return true;
  }

  async authenticationOptions(rp: RelyingParty) {
    const options = await generateAuthenticationOptions({ rpID: rp.id, userVerification: "preferred" });
    this.remember(options.challenge, undefined);
    return options;
  }

  /** The staff id a sign-in response proves, or undefined. */
  async authenticate(response: AuthenticationResponseJSON, rp: RelyingParty): Promise<string | undefined> {
    const found = this.store.byCredentialId(response.id);
    if (!found) return undefined;
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: (challenge) => this.use(challenge, undefined),
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: {
        id: found.passkey.id,
        publicKey: new Uint8Array(Buffer.from(found.passkey.publicKey, "base64url")),
        counter: found.passkey.counter,
        ...(found.passkey.transports ? { transports: found.passkey.transports } : {}),
      },
      requireUserVerification: false,
    }).catch(() => undefined);
    if (!verification?.verified) return undefined;
    const { newCounter } = verification.authenticationInfo;
    if (newCounter > found.passkey.counter) this.store.updateCounter(found.passkey.id, newCounter);
    return found.account.id;
  }

  private remember(challenge: string, staffId: string | undefined): void {
    const now = this.now();
    for (const [key, value] of this.challenges) if (value.expiresAt <= now) this.challenges.delete(key);
    if (this.challenges.size >= MAX_CHALLENGES) this.challenges.delete(this.challenges.keys().next().value!);
    this.challenges.set(challenge, { staffId, expiresAt: now + CHALLENGE_LIFETIME_MS });
  }

  /** A challenge this server made for this purpose, unexpired; it cannot be used again. */
  private use(challenge: string, staffId: string | undefined): boolean {
    const entry = this.challenges.get(challenge);
    this.challenges.delete(challenge);
    return Boolean(entry && entry.staffId === staffId && entry.expiresAt > this.now());
  }
}
