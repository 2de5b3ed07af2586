/**
 * A synthetic participant's sending side for the benchmarks: on a
 * signaling connection that has joined, it publishes as a browser does
 * (`mediaState`, `publish` with an SDP offer, `trickle`) a camera in three
 * simulcast layers by replaying pre-encoded VP8 (vp8-clip.ts) and,
 * if given a clip, a microphone by replaying Opus (opus-clip.ts).
 * synthetic-participant.ts joins and adds the receiving side.
 *
 * The WebRTC stack is werift (pure TypeScript, a dev dependency): it does
 * ICE, DTLS and SRTP. Its sender knows one SSRC per track, so the offer is
 * edited to declare three SSRCs in an `a=ssrc-group:SIM` (legacy SSRC
 * simulcast, lowest layer first, which Janus reads as substreams 0, 1, 2)
 * and the RTP packets are handed to the DTLS transport directly.
 */
import { randomBytes, randomInt } from "node:crypto";
import { networkInterfaces } from "node:os";
import { PictureLossIndication, RTCPeerConnection, RtpHeader, useOPUS, useVP8, type RTCDtlsTransport, type RtcpPacket } from "werift";
import type { TestClient } from "../test/integration/client.js";
import { OPUS_FRAME_MS, OPUS_SAMPLES_PER_FRAME, type OpusClip } from "./opus-clip.js";
import { FRAME_RATE, packetizeVp8, type Clip } from "./vp8-clip.js";

/** Everything binds to the media loopback address the test Janus uses (scripts/media-loopback.sh). */
export const SYNTHETIC_MEDIA_ADDRESS = "127.0.0.2";

/** A werift peer connection that stays on the media loopback address and knows Opus and VP8. */
export function syntheticPeerConnection(): RTCPeerConnection {
  // Without it werift would fall back to every interface, and media would leave loopback.
  const addresses = Object.values(networkInterfaces()).flatMap((list) => list ?? []);
  if (!addresses.some((a) => a.address === SYNTHETIC_MEDIA_ADDRESS)) {
    throw new Error(`synthetic participants need ${SYNTHETIC_MEDIA_ADDRESS} on an interface: run scripts/media-loopback.sh as root`);
  }
  return new RTCPeerConnection({
    iceServers: [], // never ask a STUN server outside this machine (werift's default is a public one)
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: SYNTHETIC_MEDIA_ADDRESS },
    bundlePolicy: "max-bundle",
    codecs: { audio: [useOPUS()], video: [useVP8()] },
  });
}

/** Resolves when `pc` is connected; rejects if it fails or takes longer than 30 s (a loaded machine is slow). */
export async function connected(pc: RTCPeerConnection, who: string): Promise<void> {
  if (pc.connectionState === "connected") return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${who}: the media connection did not come up within 30 s (state ${pc.connectionState})`)), 30_000);
    const { unSubscribe } = pc.connectionStateChange.subscribe((state) => {
      if (state !== "connected" && state !== "failed") return;
      clearTimeout(timer);
      unSubscribe();
      if (state === "connected") resolve();
      else reject(new Error(`${who}: the media connection failed`));
    });
  });
}

/** What a synthetic participant sends: the camera's three layers, and a microphone if `audio` is given. */
export interface SyntheticMedia {
  clips: readonly Clip[];
  audio?: OpusClip;
}

/** The microphone's RTP stream. */
interface AudioStream {
  clip: OpusClip;
  ssrc: number;
  payloadType: number;
  sequenceNumber: number;
  timestampBase: number;
}

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
  /** RTP packets sent so far (all layers and audio). */
  packetsSent = 0;
  private frame = 0;
  private audioFrame = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly name: string,
    private readonly pc: RTCPeerConnection,
    private readonly layers: LayerStream[],
    private readonly payloadType: number,
    private readonly audio: AudioStream | undefined,
  ) {}

  /** Publishes `media` on `signaling` (which has joined) and starts sending once the media connection is up. */
  static async start(signaling: TestClient, name: string, media: SyntheticMedia): Promise<SyntheticPublisher> {
    const pc = syntheticPeerConnection();
    try {
      signaling.send({ type: "mediaState", audio: media.audio !== undefined, video: true });
      // A browser's order: microphone, then camera.
      const microphone = media.audio ? pc.addTransceiver("audio", { direction: "sendonly" }) : undefined;
      pc.addTransceiver("video", { direction: "sendonly" });
      const layers = media.clips.map((clip) => ({
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
      const audio =
        media.audio && microphone
          ? {
              clip: media.audio,
              ssrc: microphone.sender.ssrc,
              payloadType: payloadTypeOf(answer.sdp, "opus/48000"),
              sequenceNumber: randomInt(0, 2 ** 16),
              timestampBase: randomInt(0, 2 ** 32),
            }
          : undefined;
      const publisher = new SyntheticPublisher(name, pc, layers, payloadTypeOf(answer.sdp, "VP8/90000"), audio);
      await connected(pc, name);
      publisher.start();
      return publisher;
    } catch (error) {
      await pc.close();
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.timer);
    await this.pc.close();
  }

  private get transport(): RTCDtlsTransport {
    const transport = this.pc.getTransceivers()[0]?.sender.dtlsTransport;
    if (!transport) throw new Error(`${this.name}: no DTLS transport`);
    return transport;
  }

  /**
   * Sends a frame of each layer every 1/FRAME_RATE s and an audio packet
   * every OPUS_FRAME_MS, against the clock rather than the previous timer,
   * so late timers do not slow the streams down.
   */
  private start(): void {
    const transport = this.transport;
    transport.onRtcp.subscribe((packet) => this.onRtcp(packet));
    const startedAt = performance.now();
    const tick = () => {
      if (this.closed) return;
      const elapsed = performance.now() - startedAt;
      while (this.frame <= Math.floor((elapsed * FRAME_RATE) / 1000)) this.sendFrame(transport, this.frame++);
      const nextVideo = (this.frame * 1000) / FRAME_RATE;
      let next = nextVideo;
      if (this.audio) {
        while (this.audioFrame <= Math.floor(elapsed / OPUS_FRAME_MS)) this.sendAudio(transport, this.audio, this.audioFrame++);
        next = Math.min(next, this.audioFrame * OPUS_FRAME_MS);
      }
      this.timer = setTimeout(tick, Math.max(0, startedAt + next - performance.now()));
    };
    tick();
  }

  /** Packet n of the endless microphone replay; the first one carries the marker bit (the start of a talk spurt). */
  private sendAudio(transport: RTCDtlsTransport, audio: AudioStream, n: number): void {
    const { packets } = audio.clip;
    const header = new RtpHeader({
      payloadType: audio.payloadType,
      ssrc: audio.ssrc,
      sequenceNumber: audio.sequenceNumber,
      timestamp: (audio.timestampBase + n * OPUS_SAMPLES_PER_FRAME) % 2 ** 32,
      marker: n === 0,
    });
    audio.sequenceNumber = (audio.sequenceNumber + 1) % 2 ** 16;
    this.packetsSent++;
    transport.sendRtp(packets[n % packets.length]!, header).catch(() => {}); // a closing connection drops the packet
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
        this.packetsSent++;
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
  const all = sdp.split(/\r?\n/).filter((line) => line !== "");
  const video = all.findIndex((line) => line.startsWith("m=video"));
  if (video < 0) throw new Error("the offer has no video section");
  const next = all.findIndex((line, i) => i > video && line.startsWith("m="));
  const inVideo = (i: number) => i > video && (next < 0 || i < next);
  // The video section's own SSRC lines go (werift knows one SSRC per track); the audio section keeps its.
  const lines = all.filter((line, i) => !(inVideo(i) && (line.startsWith("a=ssrc:") || line.startsWith("a=ssrc-group:"))));
  const end = lines.findIndex((line, i) => i > video && line.startsWith("m="));
  const ssrcLines = [
    `a=ssrc-group:SIM ${ssrcs.join(" ")}`,
    ...ssrcs.flatMap((ssrc) => [`a=ssrc:${ssrc} cname:${cname}`, `a=ssrc:${ssrc} msid:${stream} ${stream}-video`]),
  ];
  const at = end < 0 ? lines.length : end;
  return [...lines.slice(0, at), ...ssrcLines, ...lines.slice(at), ""].join("\r\n");
}

/** The payload type Janus accepted for a codec ("VP8/90000", "opus/48000") in its answer. */
function payloadTypeOf(sdp: string, codec: string): number {
  const match = new RegExp(`^a=rtpmap:(\\d+) ${codec}`, "im").exec(sdp);
  if (!match) throw new Error(`Janus' answer has no ${codec}`);
  return Number(match[1]);
}
