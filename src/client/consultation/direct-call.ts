/**
 * The consultation's call: one RTCPeerConnection straight to the other browser. The server only
 * relays the SDP and ICE candidates (`consultSignal`); media and chat (a data channel) go from
 * browser to browser, encrypted by DTLS-SRTP with keys the two browsers agree on between
 * themselves (through the TURN relay, if a network needs it: it forwards packets it cannot read).
 * The staff side makes the offer and the data channel; there is no renegotiation.
 */
import type { ClientMessageInput, IceCandidate, IceServer, ServerMessageOf } from "../../protocol/messages.js";

export interface DirectCallEvents {
  remoteStream(stream: MediaStream): void;
  chat(text: string): void;
  /** The connection failed or closed from the other side. */
  lost(): void;
}

export class DirectCall {
  readonly connection: RTCPeerConnection;
  private channel: RTCDataChannel | undefined;
  /** Signals are handled one after the other: a candidate must not overtake the description before it. */
  private handling: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (message: ClientMessageInput) => void,
    local: MediaStream,
    iceServers: IceServer[],
    private readonly offerer: boolean,
    private readonly events: DirectCallEvents,
  ) {
    this.connection = new RTCPeerConnection({ iceServers });
    for (const track of local.getTracks()) this.connection.addTrack(track, local);
    this.connection.ontrack = (event) => this.events.remoteStream(event.streams[0] ?? new MediaStream([event.track]));
    this.connection.onicecandidate = (event) => this.send({ type: "consultSignal", candidate: event.candidate ? (event.candidate.toJSON() as IceCandidate) : null });
    this.connection.onconnectionstatechange = () => {
      if (this.connection.connectionState === "failed") this.events.lost();
    };
    if (offerer) this.useChannel(this.connection.createDataChannel("chat"));
    else this.connection.ondatachannel = (event) => this.useChannel(event.channel);
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

  sendChat(text: string): boolean {
    if (this.channel?.readyState !== "open") return false;
    this.channel.send(text);
    return true;
  }

  close(): void {
    this.channel?.close();
    this.connection.close();
  }

  private async apply(message: ServerMessageOf<"consultSignal">): Promise<void> {
    if (message.description) {
      await this.connection.setRemoteDescription(message.description);
      if (message.description.type === "offer") {
        await this.connection.setLocalDescription();
        const { sdp } = this.connection.localDescription!;
        this.send({ type: "consultSignal", description: { type: "answer", sdp } });
      }
    }
    if (message.candidate !== undefined) await this.connection.addIceCandidate(message.candidate ?? undefined);
  }

  private useChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.onmessage = (event) => {
      if (typeof event.data === "string") this.events.chat(event.data.slice(0, 2000));
    };
  }
}
