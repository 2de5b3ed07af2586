/**
 * A synthetic participant for the benchmarks: it joins a meeting over
 * Treff's real signaling protocol, as a browser does (`join`, `mediaState`,
 * `publish` with an SDP offer, `trickle`), and publishes a camera
 * in three simulcast layers by replaying pre-encoded VP8 (vp8-clip.ts).
 * It sends no audio and subscribes to nobody.
 *
 * The WebRTC stack is werift (pure TypeScript, a dev dependency): it does
 * ICE, DTLS and SRTP. Its sender knows one SSRC per track, so the offer is
 * edited to declare three SSRCs in an `a=ssrc-group:SIM` (legacy SSRC
 * simulcast, lowest layer first, which Janus reads as substreams 0, 1, 2)
 * and the RTP packets are handed to the DTLS transport directly.
 */
import { randomBytes, randomInt } from "node:crypto";
import { networkInterfaces } from "node:os";
import { PictureLossIndication, RTCPeerConnection, RtpHeader, useVP8, type RTCDtlsTransport, type RtcpPacket } from "werift";
import { TestClient } from "../test/integration/client.js";
import { FRAME_RATE, packetizeVp8, type Clip } from "./vp8-clip.js";

/** Everything binds to the media loopback address the test Janus uses (scripts/media-loopback.sh). */
export const SYNTHETIC_MEDIA_ADDRESS = "127.0.0.2";

const RTP_CLOCK = 90_000;
/** Key-frame requests this soon after one was answered are taken as repeats of it. */
const ANSWER_GAP_MS = 500;

/** What one simulcast layer's RTP stream has sent so far. */
interface LayerStream {
  clip: Clip;
  ssrc: number;
  sequenceNumber: number;
  timestampBase: number;
  pictureIdBase: number;
  /** Frames skipped to answer key-frame requests: frame n of the stream is clip frame n + skip. */
  skip: number;
  /** Janus asked for a key frame (PLI or FIR) that has not been sent yet. */
  keyframeWanted: boolean;
  /** When the last key frame was sent on request (performance.now()). */
  answeredAt: number;
}

/** What Janus asked of a synthetic publisher: key-frame requests and retransmission requests. */
export interface FeedbackCounts {
  pli: number;
  fir: number;
  nack: number;
}

export class SyntheticPublisher {
  readonly feedback: FeedbackCounts = { pli: 0, fir: 0, nack: 0 };
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly name: string,
    private readonly signaling: TestClient,
    private readonly pc: RTCPeerConnection,
    private readonly layers: LayerStream[],
    private readonly payloadType: number,
  ) {}

  /** Joins `room` as `name` and starts sending once the media connection is up. */
  static async join(signalingUrl: string, room: string, name: string, clips: readonly Clip[]): Promise<SyntheticPublisher> {
    // Without it werift would fall back to every interface, and media would leave loopback.
    const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
    if (!addresses.some((a) => a.address === SYNTHETIC_MEDIA_ADDRESS)) {
      throw new Error(`synthetic publishers need ${SYNTHETIC_MEDIA_ADDRESS} on an interface: run scripts/media-loopback.sh as root`);
    }
    const signaling = await TestClient.connect(signalingUrl);
    const pc = new RTCPeerConnection({
      iceServers: [], // never ask a STUN server outside this machine (werift's default is a public one)
      iceUseIpv6: false,
      iceInterfaceAddresses: { udp4: SYNTHETIC_MEDIA_ADDRESS },
      bundlePolicy: "max-bundle",
      codecs: { audio: [], video: [useVP8()] },
    });
    try {
      await signaling.join(room, name);
      signaling.send({ type: "mediaState", audio: false, video: true });
      pc.addTransceiver("video", { direction: "sendonly" });
      const layers = clips.map((clip) => ({
        clip,
        ssrc: randomInt(1, 2 ** 32),
        sequenceNumber: randomInt(0, 2 ** 16),
        timestampBase: randomInt(0, 2 ** 32),
        pictureIdBase: randomInt(0, 2 ** 15),
        skip: 0,
        keyframeWanted: false,
        answeredAt: -Infinity,
      }));
      // werift gathers before setLocalDescription resolves (one host candidate here), so the offer
      // carries every candidate; what a browser trickles later is only the end of gathering.
      await pc.setLocalDescription(await pc.createOffer());
      signaling.send({ type: "publish", sdp: withSimulcastSsrcs(pc.localDescription!.sdp, layers.map((l) => l.ssrc), name) });
      signaling.send({ type: "trickle", target: "publisher", candidate: null });
      const answer = await signaling.next("publisherAnswer", { timeoutMs: 15_000 });
      await pc.setRemoteDescription({ type: "answer", sdp: answer.sdp });
      const publisher = new SyntheticPublisher(name, signaling, pc, layers, vp8PayloadType(answer.sdp));
      await publisher.connected();
      publisher.start();
      return publisher;
    } catch (error) {
      await pc.close();
      await signaling.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    this.signaling.send({ type: "leave" });
    await this.signaling.close();
    await this.pc.close();
  }

  private async connected(): Promise<void> {
    if (this.pc.connectionState === "connected") return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: the media connection did not come up within 15 s (state ${this.pc.connectionState})`)), 15_000);
      const { unSubscribe } = this.pc.connectionStateChange.subscribe((state) => {
        if (state !== "connected" && state !== "failed") return;
        clearTimeout(timer);
        unSubscribe();
        if (state === "connected") resolve();
        else reject(new Error(`${this.name}: the media connection failed`));
      });
    });
  }

  private get transport(): RTCDtlsTransport {
    const transport = this.pc.getTransceivers()[0]?.sender.dtlsTransport;
    if (!transport) throw new Error(`${this.name}: no DTLS transport`);
    return transport;
  }

  /**
   * Sends a frame of each layer every 1/FRAME_RATE s, against the clock
   * rather than the previous timer, so late timers do not slow the stream down.
   */
  private start(): void {
    const transport = this.transport;
    transport.onRtcp.subscribe((packet) => this.onRtcp(packet));
    const startedAt = performance.now();
    const tick = () => {
      if (this.closed) return;
      const due = Math.floor(((performance.now() - startedAt) * FRAME_RATE) / 1000);
      while (this.frame <= due) this.sendFrame(transport, this.frame++);
      this.timer = setTimeout(tick, Math.max(0, startedAt + (this.frame * 1000) / FRAME_RATE - performance.now()));
    };
    tick();
  }

  /**
   * Frame n of the endless replay on every layer. Timestamps and picture ids
   * count on across the clip's loop, so the receiver sees one continuous
   * stream; the clip restarts on a key frame, so nothing refers back across the seam.
   */
  private sendFrame(transport: RTCDtlsTransport, n: number): void {
    for (const layer of this.layers) {
      const { frames } = layer.clip;
      if (layer.keyframeWanted) this.answerKeyframeRequest(layer, n);
      const payloads = packetizeVp8(frames[(n + layer.skip) % frames.length]!.data, (layer.pictureIdBase + n) % 2 ** 15);
      payloads.forEach((payload, i) => {
        const header = new RtpHeader({
          payloadType: this.payloadType,
          ssrc: layer.ssrc,
          sequenceNumber: layer.sequenceNumber,
          timestamp: (layer.timestampBase + (n * RTP_CLOCK) / FRAME_RATE) % 2 ** 32,
          marker: i === payloads.length - 1,
        });
        layer.sequenceNumber = (layer.sequenceNumber + 1) % 2 ** 16;
        transport.sendRtp(payload, header).catch(() => {}); // a closing connection drops the packet; that is fine
      });
    }
  }

  /**
   * A browser answers a key-frame request at once; the replay does the
   * nearest thing: it jumps back to the clip's first frame, a key frame.
   * Janus 1.1 repeats its request with every packet until the key frame
   * arrives, so requests within ANSWER_GAP_MS of an answer are the same
   * request and get no second key frame.
   */
  private answerKeyframeRequest(layer: LayerStream, n: number): void {
    const length = layer.clip.frames.length;
    const now = performance.now();
    layer.keyframeWanted = false;
    if (now - layer.answeredAt < ANSWER_GAP_MS) return;
    const at = (n + layer.skip) % length;
    if (layer.clip.frames[at]!.keyframe) return; // one is due anyway
    layer.skip += length - at;
    layer.answeredAt = now;
  }

  /** RTCP from Janus: counts feedback (RFC 4585, 5104: transport-layer FMT 1 is a NACK; payload-specific FMT 1 a PLI, FMT 4 a FIR) and notes key-frame requests. */
  private onRtcp(packet: RtcpPacket): void {
    if (packet.type === 205 && packet.feedback.count === 1) this.feedback.nack++;
    if (packet.type !== 206) return;
    const feedback = packet.feedback;
    if (feedback instanceof PictureLossIndication) {
      this.feedback.pli++;
      for (const layer of this.layers) if (layer.ssrc === feedback.mediaSsrc) layer.keyframeWanted = true;
    } else if (feedback.count === 4) {
      // A FIR names its SSRCs in entries werift does not export a type for; ask every layer.
      this.feedback.fir++;
      for (const layer of this.layers) layer.keyframeWanted = true;
    }
  }
}

/**
 * The offer with the video section's SSRC lines replaced by three SSRCs in
 * a simulcast group, lowest layer first, each with the cname and msid a
 * browser would give them (Janus requires the group; the rest is for form).
 */
export function withSimulcastSsrcs(sdp: string, ssrcs: readonly number[], label: string): string {
  const cname = randomBytes(8).toString("base64url");
  const stream = `${label}-${randomBytes(4).toString("hex")}`;
  const lines = sdp.split(/\r?\n/).filter((line) => line !== "" && !line.startsWith("a=ssrc:") && !line.startsWith("a=ssrc-group:"));
  const video = lines.findIndex((line) => line.startsWith("m=video"));
  if (video < 0) throw new Error("the offer has no video section");
  const next = lines.findIndex((line, i) => i > video && line.startsWith("m="));
  const end = next < 0 ? lines.length : next;
  const ssrcLines = [
    `a=ssrc-group:SIM ${ssrcs.join(" ")}`,
    ...ssrcs.flatMap((ssrc) => [`a=ssrc:${ssrc} cname:${cname}`, `a=ssrc:${ssrc} msid:${stream} ${stream}-video`]),
  ];
  return [...lines.slice(0, end), ...ssrcLines, ...lines.slice(end), ""].join("\r\n");
}

/** The payload type Janus accepted for VP8 in its answer. */
function vp8PayloadType(sdp: string): number {
  const match = /^a=rtpmap:(\d+) VP8\/90000/im.exec(sdp);
  if (!match) throw new Error("Janus' answer has no VP8");
  return Number(match[1]);
}
