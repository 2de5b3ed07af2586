/**
 * The publisher peer connection: sends this participant's microphone and
 * camera to the media server, the camera as VP8 in three simulcast layers.
 * Janus forwards to each receiver the layer it asked for by the size of
 * its tile (ui/layout.ts), or a lower one when its bandwidth is short.
 * Layers nobody receives pause (`encodeLayers`, told by `videoLayers`).
 */
import type { IceCandidate } from "../../protocol/messages.js";
import type { E2eeSession } from "../e2ee/session.js";

/**
 * Highest layer first, as Janus expects; each a quarter of the pixels of the
 * one above: 640×360, 320×180 and 160×90 from the 960×540 camera (media.ts).
 * The camera is larger than the top layer because libwebrtc sends three
 * layers only from 960×540 up (from 640×480 it sends two); encoding these
 * three costs about what 640×480 and 320×240 did (BENCHMARKS.md, bench:client).
 */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: "h", maxBitrate: 1_200_000, scaleResolutionDownBy: 1.5 },
  { rid: "m", maxBitrate: 400_000, scaleResolutionDownBy: 3 },
  { rid: "l", maxBitrate: 120_000, scaleResolutionDownBy: 6 },
];

export class Publisher {
  readonly pc: RTCPeerConnection;
  private readonly audio: RTCRtpTransceiver;
  private readonly video: RTCRtpTransceiver;
  private offer: RTCSessionDescriptionInit | undefined;
  /** The one offer of this connection: made once, even when asked for twice at the same time. */
  private offering: Promise<RTCSessionDescriptionInit> | undefined;
  private started: Promise<void> | undefined;
  /** Settles once the offer is applied with the ICE servers to gather with (see start). */
  private readonly applied: Promise<void>;
  private markApplied!: () => void;

  /**
   * `screen`: a shared screen instead of camera and microphone — video only, one
   * full-resolution layer (text must stay sharp), tuned for detail over motion.
   */
  constructor(
    iceServers: RTCIceServer[],
    stream: MediaStream,
    onCandidate: (candidate: IceCandidate | null) => void,
    kind: "camera" | "screen" = "camera",
    /** With it, every frame is encrypted end to end before it leaves. */
    e2ee?: E2eeSession,
  ) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" });
    this.applied = new Promise((resolve) => (this.markApplied = resolve));
    this.pc.onicecandidate = (event) => onCandidate(event.candidate ? event.candidate.toJSON() as IceCandidate : null);
    const audioTrack = stream.getAudioTracks()[0];
    const videoTrack = stream.getVideoTracks()[0];
    if (kind === "screen" && videoTrack) videoTrack.contentHint = "detail";
    // Both transceivers exist even without a device, so a track can be added later without renegotiating.
    this.audio = this.pc.addTransceiver(audioTrack ?? "audio", { direction: kind === "screen" ? "inactive" : "sendonly", streams: [stream] });
    this.video = this.pc.addTransceiver(videoTrack ?? "video", {
      direction: "sendonly",
      streams: [stream],
      sendEncodings: kind === "screen" ? [{ maxBitrate: 1_500_000 }] : SIMULCAST_ENCODINGS,
    });
    preferVp8(this.video);
    e2ee?.attachSender(this.audio.sender, "audio");
    e2ee?.attachSender(this.video.sender, "video");
  }

  /**
   * Makes the offer without applying it: it can go to the server at once, while gathering waits
   * for start(), because TURN credentials arrive only with `joined` (docs/security.md). The offer
   * carries no candidates (they trickle), so nothing in it depends on the ICE servers.
   */
  async createOffer(): Promise<void> {
    // Memoised as a promise: `joined` can ask start() for it while the first call still waits,
    // and a second createOffer() could differ from the one already sent to the server.
    this.offering ??= this.pc.createOffer().then((offer) => (this.offer = offer));
    await this.offering;
  }

  /** The offer's SDP (empty before createOffer). */
  offerSdp(): string {
    return this.offer?.sdp ?? "";
  }

  /** Applies the offer with these ICE servers: gathering starts, candidates trickle. Once. */
  start(iceServers: RTCIceServer[]): Promise<void> {
    this.started ??= (async () => {
      await this.createOffer();
      this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
      await this.pc.setLocalDescription(this.offer);
      this.markApplied();
    })();
    return this.started;
  }

  async acceptAnswer(sdp: string): Promise<void> {
    // The answer may come before start(): it applies after the offer does.
    await this.applied;
    await this.pc.setRemoteDescription({ type: "answer", sdp });
  }

  /** Sends these tracks (none: silence or no video), without renegotiation; unchanged ones are left alone. */
  async useTracks(audio: MediaStreamTrack | undefined, video: MediaStreamTrack | undefined): Promise<void> {
    const swaps = [
      [this.audio.sender, audio ?? null],
      [this.video.sender, video ?? null],
    ] as const;
    await Promise.all(swaps.filter(([sender, track]) => sender.track !== track).map(([sender, track]) => sender.replaceTrack(track)));
  }

  /**
   * Encodes only the lowest `count` camera layers (1 to 3); the others pause until asked for
   * again. The lowest always runs, so a newcomer's picture starts at once.
   */
  async encodeLayers(count: number): Promise<void> {
    const sender = this.video.sender;
    const parameters = sender.getParameters();
    if (parameters.encodings.length !== SIMULCAST_ENCODINGS.length) return; // a screen, or not negotiated yet
    const keep = Math.max(1, Math.min(count, parameters.encodings.length));
    // Highest first (SIMULCAST_ENCODINGS): the last `keep` are the lowest layers.
    parameters.encodings.forEach((encoding, i) => (encoding.active = i >= parameters.encodings.length - keep));
    await sender.setParameters(parameters);
  }

  /** Audio level 0..1 of what this participant sends, for the speaking indicator. */
  async localAudioLevel(): Promise<number> {
    const stats = await this.audio.sender.getStats();
    let level = 0;
    stats.forEach((report: { type: string; kind?: string; audioLevel?: number }) => {
      if (report.type === "media-source" && report.kind === "audio") level = report.audioLevel ?? 0;
    });
    return level;
  }

  close(): void {
    this.pc.onicecandidate = null;
    this.pc.close();
  }
}

/** VP8 first: the E2EE frame format keeps exactly VP8's header bytes clear (docs/e2ee.md, "Frame format"). */
export function preferVp8(transceiver: RTCRtpTransceiver): void {
  const capabilities = RTCRtpSender.getCapabilities?.("video");
  if (!capabilities || !transceiver.setCodecPreferences) return;
  const rank = (c: { mimeType: string }) => (c.mimeType.toLowerCase() === "video/vp8" ? 0 : 1);
  transceiver.setCodecPreferences([...capabilities.codecs].sort((a, b) => rank(a) - rank(b)));
}
