/**
 * The consultation's call: one RTCPeerConnection straight to the other browser. The server only
 * relays the SDP and ICE candidates (`consultSignal`); media and chat (a data channel) go from
 * browser to browser, encrypted by DTLS-SRTP with keys the two browsers agree on between
 * themselves (through the TURN relay, if a network needs it: it forwards packets it cannot read),
 * and, when both browsers can, frame by frame with Treff's end-to-end encryption as well
 * (call-encryption.ts: every sender and receiver gets the meetings' frame transform).
 *
 * The staff side makes the offer and the data channel; there is no renegotiation. The offer has
 * three media sections in a fixed order: microphone, camera, and a screen. Both sides send on all
 * three from the start (a section without a track sends nothing), so sharing a screen only puts a
 * track on the third sender; a small message on the data channel tells the other side to show it.
 */
import type { ClientMessageInput, IceCandidate, IceServer, ServerMessageOf } from "../../protocol/messages.js";
import type { MediaKind } from "../e2ee/frame.js";
import { preferVp8 } from "../rtc/publisher.js";
import type { ChatFrame, FrameEncryption } from "./call-encryption.js";

export interface DirectCallEvents {
  /** The other side's camera and microphone, and their screen (shown while they share). */
  remote(camera: MediaStream, screen: MediaStream): void;
  chat(frame: ChatFrame): void;
  /** The other side started or stopped sharing a screen. */
  screen(sharing: boolean): void;
  /** The connection failed or closed from the other side. */
  lost(): void;
  /** The other side's room with a third person plays (see CallSession.toRoom). */
  inRoom(): void;
}

/** The media sections, in the order of the offer. */
const SECTIONS: readonly MediaKind[] = ["audio", "video", "video"];
const SCREEN = 2;

/** What travels on the data channel, as JSON. */
type ChannelFrame = ChatFrame | { screen: boolean } | { inRoom: true };

export class DirectCall {
  readonly connection: RTCPeerConnection;
  private channel: RTCDataChannel | undefined;
  /** Signals are handled one after the other: a candidate must not overtake the description before it. */
  private handling: Promise<void> = Promise.resolve();
  private readonly encrypted = new WeakSet<RTCRtpReceiver>();
  private remoteShown = false;
  private sharing = false;

  constructor(
    private readonly send: (message: ClientMessageInput) => void,
    private readonly local: MediaStream,
    iceServers: IceServer[],
    private readonly offerer: boolean,
    private readonly events: DirectCallEvents,
    private readonly frames: FrameEncryption | undefined,
  ) {
    this.connection = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle" });
    this.connection.ontrack = () => this.showRemote();
    this.connection.onicecandidate = (event) => this.send({ type: "consultSignal", candidate: event.candidate ? (event.candidate.toJSON() as IceCandidate) : null });
    this.connection.onconnectionstatechange = () => {
      if (this.connection.connectionState === "failed") this.events.lost();
    };
    if (offerer) {
      for (const [index, kind] of SECTIONS.entries()) {
        const track = this.localTrack(index);
        this.connection.addTransceiver(track ?? kind, { direction: "sendrecv", streams: index === SCREEN ? [] : [local] });
      }
      void this.useTransceivers();
      this.decryptReceivers();
      this.useChannel(this.connection.createDataChannel("chat"));
    } else this.connection.ondatachannel = (event) => this.useChannel(event.channel);
  }

  /** The staff side starts: its offer goes to the patient's browser. */
  async start(): Promise<void> {
    if (!this.offerer) return;
    await this.connection.setLocalDescription();
    const { type, sdp } = this.connection.localDescription!;
    this.send({ type: "consultSignal", description: { type: type as "offer", sdp } });
  }

  signal(message: ServerMessageOf<"consultSignal">): void {
    this.handling = this.handling.then(() => this.apply(message)).catch(() => {});
  }

  sendChat(frame: ChatFrame): boolean {
    return this.post(frame);
  }

  /** Puts a captured screen on the third section (or takes it off: `null`); no renegotiation. */
  async shareScreen(track: MediaStreamTrack | null): Promise<void> {
    const transceiver = this.connection.getTransceivers()[SCREEN];
    if (!transceiver) return;
    if (track) track.contentHint = "detail";
    await transceiver.sender.replaceTrack(track);
    this.sharing = track !== null;
    this.post({ screen: this.sharing });
  }

  /** Tells the other side that this side's room with a third person plays. */
  tellInRoom(): void {
    this.post({ inRoom: true });
  }

  close(): void {
    this.channel?.close();
    this.connection.close();
  }

  private async apply(message: ServerMessageOf<"consultSignal">): Promise<void> {
    if (message.description) {
      await this.connection.setRemoteDescription(message.description);
      if (message.description.type === "offer") {
        // The offer's three sections are ours now: send on each, in the offer's order.
        this.decryptReceivers();
        await this.useTransceivers();
        await this.connection.setLocalDescription();
        const { sdp } = this.connection.localDescription!;
        this.send({ type: "consultSignal", description: { type: "answer", sdp } });
      }
    }
    if (message.candidate !== undefined) await this.connection.addIceCandidate(message.candidate ?? undefined);
  }

  private localTrack(index: number): MediaStreamTrack | undefined {
    if (index === SCREEN) return undefined;
    return SECTIONS[index] === "audio" ? this.local.getAudioTracks()[0] : this.local.getVideoTracks()[0];
  }

  /** Every section sends (our microphone and camera on the first two) and encrypts before any frame leaves. */
  private async useTransceivers(): Promise<void> {
    const transceivers = this.connection.getTransceivers().slice(0, SECTIONS.length);
    for (const [index, transceiver] of transceivers.entries()) {
      transceiver.direction = "sendrecv";
      if (SECTIONS[index] === "video") preferVp8(transceiver);
      this.frames?.sender(transceiver.sender, SECTIONS[index]!);
    }
    if (this.offerer) return; // its tracks went in with addTransceiver
    await Promise.all(transceivers.map((t, index) => t.sender.replaceTrack(this.localTrack(index) ?? null)));
  }

  /**
   * What arrives is decrypted before the decoder sees it. The worker knows each receiver by its
   * section's number (the offerer's receivers exist before any mid is assigned), and learns first
   * that all of them carry the other side's media.
   */
  private decryptReceivers(): void {
    if (!this.frames) return;
    const transceivers = this.connection.getTransceivers().slice(0, SECTIONS.length);
    this.frames.streams(transceivers.map((_, index) => ({ mid: String(index), kind: SECTIONS[index]! })));
    for (const [index, { receiver }] of transceivers.entries()) {
      if (this.encrypted.has(receiver)) continue;
      this.frames.receiver(receiver, SECTIONS[index]!, String(index));
      this.encrypted.add(receiver);
    }
  }

  private showRemote(): void {
    if (this.remoteShown) return;
    this.remoteShown = true;
    const receivers = this.connection.getTransceivers().map((t) => t.receiver.track);
    this.events.remote(new MediaStream(receivers.slice(0, SCREEN)), new MediaStream(receivers.slice(SCREEN, SCREEN + 1)));
  }

  private post(frame: ChannelFrame): boolean {
    if (this.channel?.readyState !== "open") return false;
    this.channel.send(JSON.stringify(frame));
    return true;
  }

  private useChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    // A share begun before the channel opened.
    channel.onopen = () => this.sharing && this.post({ screen: true });
    channel.onmessage = (event) => {
      if (typeof event.data !== "string" || event.data.length > 16_000) return;
      let frame: unknown;
      try {
        frame = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!frame || typeof frame !== "object") return;
      const f = frame as Record<string, unknown>;
      if (typeof f.screen === "boolean") return this.events.screen(f.screen);
      if (f.inRoom === true) return this.events.inRoom();
      if (typeof f.chat === "string") return this.events.chat({ chat: f.chat.slice(0, 2000) });
      const sealed = f.sealedChat as { keyId?: unknown; sealed?: unknown } | undefined;
      if (sealed && typeof sealed.keyId === "number" && typeof sealed.sealed === "string") this.events.chat({ sealedChat: { keyId: sealed.keyId, sealed: sealed.sealed } });
    };
  }
}
