/**
 * End-to-end encryption in one participant's meeting: the E2EE session is
 * made while the person is still on the pre-join screen, kept if the
 * server's `welcome` allows it, and closed when this person's part in the
 * meeting ends, so no key outlives it.
 */
import type { ClientMessageInput, ParticipantId, RoomName } from "../../protocol/messages.js";
import { passphraseFromLink } from "../storage.js";
import { E2eeSession, e2eeSupported } from "../e2ee/session.js";
import type { EncryptionMode, Verification } from "../view.js";

export class MeetingEncryption implements Verification {
  /** The session this page encrypts with; undefined until the `welcome`, and when it does not encrypt. */
  session: E2eeSession | undefined;
  private ready: Promise<E2eeSession | undefined>;

  constructor(room: RoomName, send: (message: ClientMessageInput) => void, changed: () => void) {
    // The identity key is made while the person is still on the pre-join screen.
    this.ready = e2eeSupported()
      ? E2eeSession.create(room, passphraseFromLink(), {
          sendKeys: (keyId, sealed) => send({ type: "e2eeKeys", keyId, sealed }),
          changed,
        }).catch((error: unknown) => {
          console.warn("treff: end-to-end encryption unavailable:", error);
          return undefined;
        })
      : Promise.resolve(undefined);
  }

  /** Resolves once the session is made (or could not be). */
  whenReady(): Promise<E2eeSession | undefined> {
    return this.ready;
  }

  /**
   * The server's `welcome` arrived: keep the session if the server allows end-to-end
   * encryption and the person still takes part, else close it. Resolves once decided.
   */
  async welcome(allowed: () => boolean): Promise<void> {
    const e2ee = await this.ready;
    const keep = allowed();
    if (!keep) e2ee?.close();
    this.session = keep ? e2ee : undefined;
  }

  /** Whether this page encrypts end to end, or why not; undefined until `welcomed`. */
  mode(welcomed: boolean): EncryptionMode | undefined {
    if (this.session) return "encrypting";
    if (!welcomed) return undefined;
    return e2eeSupported() ? "off" : "unsupported";
  }

  safetyCode(id: ParticipantId): Promise<string> | undefined {
    return this.session?.safetyCode(id);
  }

  markVerified(id: ParticipantId): void {
    this.session?.markVerified(id);
  }

  isVerified(id: ParticipantId): boolean {
    return this.session?.isVerified(id) ?? false;
  }

  /** No keys outlive this person's part in the meeting. */
  close(): void {
    void this.ready.then((e2ee) => e2ee?.close());
    this.ready = Promise.resolve(undefined);
    this.session = undefined;
  }
}
