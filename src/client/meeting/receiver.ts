/**
 * Receiving everyone else: the one subscriber peer connection, what to ask
 * the server for (who publishes, whose screen, each camera at the layer its
 * tile needs), and whose track is whose.
 */
import type { ParticipantId, Participant, SubscribedStream, VideoQuality } from "../../protocol/messages.js";
import { Subscriber, type RemoteTracks } from "../rtc/subscriber.js";
import { QualityMeter, type Quality } from "../rtc/quality.js";
import type { PublisherContext } from "./camera.js";

export interface ReceiverContext extends PublisherContext {
  /** The tracks arriving now, by participant (empty after the connection closed). */
  showTracks(tracks: Map<ParticipantId, RemoteTracks>): void;
}

export class Receiver {
  private subscriber: Subscriber | undefined;
  /** The subscription we last asked for, to skip needless updates. */
  private subscribedKey = "";
  /** Per remote camera: not at all (tile on another page) or at which layer. */
  private videoWishes: Record<ParticipantId, VideoQuality> = {};
  /** Audio track id → participant, for the speaking indicator. */
  private readonly audioOwners = new Map<string, ParticipantId>();
  /** Video track id → participant, for the connection quality. */
  private readonly videoOwners = new Map<string, ParticipantId>();
  private readonly qualityMeter = new QualityMeter();

  constructor(private readonly context: ReceiverContext) {}

  /** Makes the subscriber connection ahead of time (once), so its candidates are gathered before the first offer. */
  prepare(): void {
    this.subscriber ??= this.create();
  }

  /** `joined` brought the ICE servers: the subscriber gathers with them when it answers its first offer. */
  connect(iceServers: RTCIceServer[]): void {
    const pc = this.subscriber?.pc;
    pc?.setConfiguration({ ...pc.getConfiguration(), iceServers });
  }

  /** The cameras the screen shows, at which size. */
  want(video: Record<ParticipantId, VideoQuality>): void {
    this.videoWishes = video;
  }

  /** The next `update` asks again even if nothing changed (a new join, a new connection). */
  forget(): void {
    this.subscribedKey = "";
  }

  /** Asks the server for what `others` publish and share, if that differs from the last request. */
  update(others: Participant[]): void {
    const wanted = others.filter((p) => p.publishing).map((p) => p.id);
    const screens = others.filter((p) => p.screen).map((p) => p.id);
    const video = Object.fromEntries(wanted.map((id) => [id, this.videoWishes[id] ?? "high"]));
    const key = JSON.stringify([wanted, screens, video]);
    if (key === this.subscribedKey) return;
    this.subscribedKey = key;
    this.context.send({ type: "subscribe", participants: wanted, screens, video });
  }

  async answer(sdp: string, streams: SubscribedStream[]): Promise<void> {
    this.subscriber ??= this.create();
    await this.subscriber.handleOffer(sdp, streams, (answer) => this.context.send({ type: "subscriberAnswer", sdp: answer }));
  }

  /** Each remote audio track with its owner, for the speaking indicator. */
  *audio(): Generator<[RTCRtpReceiver, ParticipantId | undefined]> {
    for (const receiver of this.subscriber?.audioReceivers() ?? []) yield [receiver, this.audioOwners.get(receiver.track.id)];
  }

  /** How well each participant's video arrives; undefined while the connection is not up. */
  async quality(): Promise<Map<ParticipantId, Quality> | undefined> {
    const pc = this.subscriber?.pc;
    if (!pc || pc.connectionState !== "connected") return undefined;
    return this.qualityMeter.sample(pc, this.videoOwners);
  }

  close(): void {
    this.subscriber?.close();
    this.subscriber = undefined;
    this.subscribedKey = "";
    this.showTracks(new Map());
  }

  private create(): Subscriber {
    const subscriber = new Subscriber(
      this.context.iceServers(),
      (candidate) => this.context.send({ type: "trickle", target: "subscriber", candidate }),
      (tracks) => this.showTracks(tracks),
      this.context.e2ee(),
    );
    this.context.watch(subscriber.pc);
    return subscriber;
  }

  private showTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    this.audioOwners.clear();
    this.videoOwners.clear();
    for (const [id, t] of tracks) {
      if (t.audio) this.audioOwners.set(t.audio.id, id);
      if (t.video) this.videoOwners.set(t.video.id, id);
    }
    this.context.showTracks(tracks);
  }
}
