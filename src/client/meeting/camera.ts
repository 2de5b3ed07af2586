/**
 * Sending this participant's microphone and camera: one publisher peer
 * connection, prepared with its offer while the person is still on the
 * pre-join screen, so joining waits for no SDP work. The offer goes out with
 * `join`; gathering starts when `joined` brings the ICE servers (TURN
 * credentials are only handed out then).
 */
import type { ClientMessageInput, IceCandidate, VideoQuality } from "../../protocol/messages.js";
import { Publisher } from "../rtc/publisher.js";
import type { LocalMedia } from "../media.js";
import type { E2eeSession } from "../e2ee/session.js";

/** What the camera publisher needs from the meeting. */
export interface PublisherContext {
  send(message: ClientMessageInput): void;
  iceServers(): RTCIceServer[];
  e2ee(): E2eeSession | undefined;
  /** A peer connection to watch: one that fails makes the meeting reconnect. */
  watch(pc: RTCPeerConnection): void;
}

/** How many camera layers (lowest first) to encode for the highest layer anyone receives. */
const LAYERS_FOR: Readonly<Record<VideoQuality, number>> = { off: 1, low: 1, medium: 2, high: 3 };
/**
 * A layer nobody receives pauses only after this long: tiles change size as people come and go,
 * and a layer that comes back needs a key frame. A layer someone wants starts at once.
 */
export const PAUSE_LAYERS_AFTER_MS = 3_000;

interface PreparedPublisher {
  publisher: Publisher;
  offer: Promise<void>;
}

export class CameraPublisher {
  private publisher: Publisher | undefined;
  private prepared: PreparedPublisher | undefined;
  /** The ICE servers of the current connection's `joined`; until then nothing gathers. */
  private iceServers: RTCIceServer[] | undefined;
  /** Camera layers being encoded (a new publisher encodes all three), and a pause that waits. */
  private layers = 3;
  private pauseTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly media: LocalMedia,
    private readonly context: PublisherContext,
  ) {}

  /** Makes the publisher and its offer ahead of time (once). */
  prepare(): void {
    this.prepared ??= this.create();
  }

  /** Sends the offer (the prepared one if there is one); gathering starts once connect() gave the ICE servers. */
  async start(): Promise<void> {
    const prepared = this.prepared ?? this.create();
    this.prepared = undefined;
    this.publisher?.close();
    const { publisher } = prepared;
    this.publisher = publisher;
    this.layers = 3;
    clearTimeout(this.pauseTimer);
    this.context.watch(publisher.pc);
    // The person may have switched a device off or on since the offer was made.
    await publisher.useTracks(this.media.audioTrack, this.media.videoTrack);
    await prepared.offer;
    if (this.publisher !== publisher) return;
    this.context.send({ type: "publish", sdp: publisher.offerSdp() });
    if (this.iceServers) void publisher.start(this.iceServers);
  }

  /** `joined` arrived with the ICE servers to gather with: the publisher connects. */
  connect(iceServers: RTCIceServer[]): void {
    this.iceServers = iceServers;
    void this.publisher?.start(iceServers);
  }

  acceptAnswer(sdp: string): void {
    void this.publisher?.acceptAnswer(sdp);
  }

  /** The server said which layer anyone receives at most (`videoLayers`): encode no more than that. */
  limitLayers(highest: VideoQuality): void {
    const wanted = LAYERS_FOR[highest];
    clearTimeout(this.pauseTimer);
    const apply = () => {
      const publisher = this.publisher;
      if (!publisher || wanted === this.layers) return;
      this.layers = wanted;
      void publisher.encodeLayers(wanted).catch(() => {
        if (this.publisher === publisher) this.layers = 3; // unchanged; try again with the next message
      });
    };
    if (wanted > this.layers) apply();
    else if (wanted < this.layers) this.pauseTimer = setTimeout(apply, PAUSE_LAYERS_AFTER_MS);
  }

  /** Sends whatever microphone and camera track is open now. */
  async useCurrentTracks(): Promise<void> {
    await this.publisher?.useTracks(this.media.audioTrack, this.media.videoTrack);
  }

  /** What this participant's microphone sends now, 0..1; undefined while nothing is published. */
  async audioLevel(): Promise<number | undefined> {
    if (!this.publisher) return undefined;
    return this.publisher.localAudioLevel().catch(() => 0);
  }

  close(): void {
    clearTimeout(this.pauseTimer);
    this.iceServers = undefined;
    this.publisher?.close();
    this.publisher = undefined;
    this.prepared?.publisher.close();
    this.prepared = undefined;
  }

  /** A publisher with its offer; it gathers (and trickles) only once started, after the offer was sent. */
  private create(): PreparedPublisher {
    const trickle = (candidate: IceCandidate | null) => this.context.send({ type: "trickle", target: "publisher", candidate });
    const publisher = new Publisher([], this.media.stream, trickle, "camera", this.context.e2ee());
    return { publisher, offer: publisher.createOffer() };
  }
}
