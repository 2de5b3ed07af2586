/**
 * The consultation call's end-to-end encryption (docs/e2ee.md, "Video consultation"): the meetings'
 * own E2eeSession and frame worker, for a "meeting" of exactly two, the staff side and the patient.
 *
 * Each browser makes a fresh identity key for the call and sends its public half (`consultKey`),
 * or `null` if it cannot encrypt. Both then know, from the same two messages, whether the call is
 * encrypted end to end: only if both can. If so, each seals its media key for the other's identity
 * key (the session's key schedule, `consultKey` again), the worker encrypts every frame it sends
 * and decrypts every frame that arrives, and both show the same safety code. The server relays
 * the two public keys and the sealed keys without being able to open them; a server that swapped
 * the public keys is caught by comparing the safety codes, as in meetings.
 */
import type { ClientMessageInput, Participant, ParticipantId, ServerMessageOf } from "../../protocol/messages.js";
import type { MediaKind } from "../e2ee/frame.js";
import { createIdentity } from "../e2ee/keys.js";
import { E2eeSession, e2eeSupported, REPEATED, type FrameWorker, type PeerState } from "../e2ee/session.js";
import type { EncryptionMode } from "../view.js";

/** The two sides' ids in the session: they only name the two ends in sealed keys' additional data. */
const STAFF: ParticipantId = "staff";
const PATIENT: ParticipantId = "patient";

export class CallEncryption {
  /** The session while the call encrypts (or may still); undefined when it does not. */
  private session: E2eeSession | undefined;
  /** Whether the call encrypts end to end: undefined until the other side's identity key arrived. */
  private decided: EncryptionMode | undefined;
  /** The other side's identity key arrived (or their `null`): the call can be set up. */
  readonly ready: Promise<boolean>;
  private settle: (encrypting: boolean) => void = () => {};
  private readonly self: ParticipantId;
  /** The other side's id in the session. */
  readonly other: ParticipantId;
  /** Messages of the other side are handled in order, after our own session exists. */
  private handling: Promise<unknown>;

  /** `worker`: this page's frame worker, or undefined where the browser cannot encrypt (tests pass a fake). */
  constructor(
    offerer: boolean,
    private readonly otherName: string,
    private readonly send: (message: ClientMessageInput) => void,
    private readonly changed: () => void,
    private readonly worker: () => FrameWorker | undefined = pageWorker,
  ) {
    [this.self, this.other] = offerer ? [STAFF, PATIENT] : [PATIENT, STAFF];
    this.ready = new Promise((resolve) => (this.settle = resolve));
    this.handling = this.start();
  }

  /** `consultKey` from the other browser: its identity key first, then its sealed media keys. */
  receive(message: ServerMessageOf<"consultKey">): void {
    this.handling = this.handling.then(() => this.apply(message)).catch((error: unknown) => console.warn("treff call e2ee:", error));
  }

  /** Whether this page encrypts the call, or why not; undefined while that is not known yet. */
  mode(): EncryptionMode | undefined {
    return this.decided;
  }

  /** The other side's state, as the status line shows it. */
  peerState(): PeerState {
    return this.session?.stateOf(this.other) ?? (this.decided === "unsupported" ? "waiting" : "unencrypted");
  }

  /** What the frame worker needs for the connection (undefined: frames pass as they are). */
  get frames(): FrameEncryption | undefined {
    const session = this.session;
    if (!session || this.decided !== "encrypting") return undefined;
    return {
      sender: (sender, kind) => session.attachSender(sender, kind),
      receiver: (receiver, kind, mid) => session.attachReceiver(receiver, kind, mid),
      // Everything that arrives on this connection comes from the other side.
      streams: (streams) => session.streams(streams.map(({ mid, kind }) => ({ mid, kind, participantId: this.other, source: "camera" }))),
    };
  }

  safetyCode(): Promise<string> | undefined {
    return this.decided === "encrypting" ? this.session?.safetyCode(this.other) : undefined;
  }

  isVerified(): boolean {
    return this.session?.isVerified(this.other) ?? false;
  }

  markVerified(): void {
    this.session?.markVerified(this.other);
  }

  /** Chat for the data channel: sealed under our media key when the call encrypts. */
  async sealChat(text: string): Promise<ChatFrame> {
    const session = this.decided === "encrypting" ? this.session : undefined;
    return session ? { sealedChat: await session.sealing.sealChat(text) } : { chat: text };
  }

  /** A chat frame from the data channel; undefined if it must not be shown (not sealed though the call encrypts, or not opening). */
  async openChat(frame: ChatFrame): Promise<string | undefined> {
    const session = this.decided === "encrypting" ? this.session : undefined;
    if (!session) return "chat" in frame ? frame.chat : undefined;
    if (!("sealedChat" in frame)) return undefined;
    const text = await session.sealing.openChat(this.other, frame.sealedChat.keyId, frame.sealedChat.sealed);
    return text === REPEATED ? undefined : text;
  }

  /** The call is over: the worker goes and every key is overwritten. */
  close(): void {
    this.session?.close();
    this.session = undefined;
    this.settle(false);
  }

  private async start(): Promise<void> {
    const worker = this.worker();
    if (worker) {
      try {
        this.session = E2eeSession.with(await createIdentity(), undefined, worker, {
          sendKeys: (keyId, sealed) => {
            const key = sealed[this.other];
            if (key) this.send({ type: "consultKey", keyId, sealed: key });
          },
          changed: () => this.changed(),
        });
      } catch (error) {
        worker.terminate();
        console.warn("treff: end-to-end encryption unavailable:", error);
      }
    }
    this.send({ type: "consultKey", publicKey: this.session?.publicKey ?? null });
  }

  private apply(message: ServerMessageOf<"consultKey">): void {
    if (message.publicKey !== undefined && this.decided === undefined) {
      // Both can encrypt, or the call does not: a frame neither side can read helps nobody.
      const encrypting = !!this.session && message.publicKey !== null;
      this.decided = encrypting ? "encrypting" : this.session ? "off" : "unsupported";
      if (encrypting) this.session!.joined(this.self, [participant(this.other, this.otherName, message.publicKey!)]);
      else {
        this.session?.close();
        this.session = undefined;
      }
      this.settle(encrypting);
      this.changed();
    }
    if (message.keyId !== undefined && message.sealed) this.session?.receiveKey(this.other, message.keyId, message.sealed);
  }
}

/** The page's frame worker (src/client/e2ee/worker.ts), if this browser can encrypt frames. */
function pageWorker(): FrameWorker | undefined {
  return e2eeSupported() ? new Worker("/e2ee-worker.js", { type: "module" }) : undefined;
}

/** What the direct connection asks of the encryption: a transform on each sender and receiver. */
export interface FrameEncryption {
  sender(sender: RTCRtpSender, kind: MediaKind): void;
  receiver(receiver: RTCRtpReceiver, kind: MediaKind, mid: string): void;
  /** The mids on which the other side's media arrives. */
  streams(streams: { mid: string; kind: MediaKind }[]): void;
}

/** Chat as it travels over the data channel. */
export type ChatFrame = { chat: string } | { sealedChat: { keyId: number; sealed: string } };

/** The other side as a meeting participant, for the session's key schedule (only id, name and key count). */
function participant(id: ParticipantId, name: string, publicKey: string): Participant {
  return { id, name, publicKey, role: "participant", audio: true, video: true, publishing: true, screen: false, hand: null };
}
