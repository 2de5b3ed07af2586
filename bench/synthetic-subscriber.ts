/**
 * A synthetic participant's receiving side: one werift peer connection that
 * answers the server's `subscriberOffer`s, as a browser's subscriber does,
 * and receives every stream without decoding it. It counts packets and
 * bytes per stream and, from the RTP sequence numbers, the packets that
 * never arrived (loss as a receiver report would state it).
 *
 * werift asks for lost video packets again (NACK) as a browser does, so
 * Janus' retransmissions are part of the load.
 */
import type { RtpPacket } from "werift";
import type { ParticipantId, VideoQuality } from "../src/protocol/messages.js";
import type { TestClient } from "../test/integration/client.js";
import { connected, syntheticPeerConnection } from "./synthetic-publisher.js";

/** What arrived so far, over all streams. */
export interface ReceiveCounts {
  packets: number;
  bytes: number;
  /** Packets the sequence numbers say were sent (per stream: highest − first + 1). */
  expected: number;
}

/** One incoming RTP stream, tracked as RFC 3550 A.3 does: first and highest extended sequence number. */
interface StreamCount {
  first: number;
  highest: number;
  received: number;
}

export class SyntheticSubscriber {
  private readonly pc = syntheticPeerConnection();
  private readonly streams = new Map<number, StreamCount>();
  private packets = 0;
  private bytes = 0;
  private answered = 0;
  private offers: Promise<void> = Promise.resolve();
  private closed = false;
  /** Resolves when the first offer has been answered and the connection is up. */
  readonly ready: Promise<void>;

  constructor(
    private readonly signaling: TestClient,
    private readonly name: string,
  ) {
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    this.ready = new Promise((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.ready.catch(() => {}); // a caller that never awaits it must not crash the process
    // Offers are answered in order, one at a time, as a browser's signaling state machine does.
    signaling.ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as { type: string; sdp?: string };
      if (message.type !== "subscriberOffer" || !message.sdp) return;
      const sdp = message.sdp;
      this.offers = this.offers
        .then(() => this.answer(sdp))
        .then(markReady, (error: Error) => failReady(error));
    });
  }

  /** Asks for `participants`' audio, and their video at the given layers ("off": audio only). */
  subscribe(participants: readonly ParticipantId[], video: Record<ParticipantId, VideoQuality>): void {
    this.signaling.send({ type: "subscribe", participants: [...participants], screens: [], video });
  }

  /** Packets, bytes and expected packets received so far. */
  counts(): ReceiveCounts {
    let expected = 0;
    for (const s of this.streams.values()) expected += s.highest - s.first + 1;
    return { packets: this.packets, bytes: this.bytes, expected };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pc.close();
  }

  private async answer(sdp: string): Promise<void> {
    if (this.closed) return;
    await this.pc.setRemoteDescription({ type: "offer", sdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    this.signaling.send({ type: "subscriberAnswer", sdp: this.pc.localDescription!.sdp });
    if (this.answered++ > 0) return;
    // werift's answer carries its candidates: gathering is complete.
    this.signaling.send({ type: "trickle", target: "subscriber", candidate: null });
    await connected(this.pc, `${this.name} (receiving)`);
    const transport = this.pc.getTransceivers()[0]?.receiver.dtlsTransport;
    if (!transport) throw new Error(`${this.name}: no DTLS transport on the subscriber connection`);
    transport.onRtp.subscribe((packet) => this.count(packet));
  }

  private count(packet: RtpPacket): void {
    this.packets++;
    this.bytes += packet.payload.length + 12;
    const { ssrc, sequenceNumber } = packet.header;
    const stream = this.streams.get(ssrc);
    if (!stream) {
      this.streams.set(ssrc, { first: sequenceNumber, highest: sequenceNumber, received: 1 });
      return;
    }
    stream.received++;
    // Extend the 16-bit number to the one nearest the highest seen, so a wrap counts on and a late packet back.
    const cycle = stream.highest - (stream.highest & 0xffff);
    let extended = cycle + sequenceNumber;
    if (extended < stream.highest - 0x8000) extended += 0x10000;
    else if (extended > stream.highest + 0x8000) extended -= 0x10000;
    if (extended > stream.highest) stream.highest = extended;
  }
}
