/**
 * The media plane on Janus' VideoRoom plugin.
 *
 * One Janus session per room; in it a control handle that creates and
 * destroys the VideoRoom, and per participant a publisher handle and (once
 * they subscribe to anyone) one multistream subscriber handle. Janus never
 * learns names or room names: rooms and feeds are random numbers.
 */
import { EventEmitter } from "node:events";
import { randomInt } from "node:crypto";
import type { IceCandidate, PeerConnectionRole } from "../../protocol/messages.js";
import { OutOfOrderError } from "../media-plane.js";
import type {
  FeedId,
  MediaParticipant,
  MediaParticipantEvents,
  MediaPlane,
  MediaPlaneEvents,
  MediaRoom,
  SubscriptionStream,
} from "../media-plane.js";
import { JanusClosedError, JanusError, type JanusConnection, type JanusHandle, type JanusSession, type Jsep } from "./client.js";
import type { JanusBackend } from "./supervisor.js";

const PLUGIN = "janus.plugin.videoroom";
/** VideoRoom error code for a feed that does not exist (left, or not publishing yet). */
const NO_SUCH_FEED = 428;

/** Random ids in the range JSON numbers represent exactly. */
const randomId = () => randomInt(1, 2 ** 48);

export interface VideoRoomSettings {
  /** Bitrate cap per publisher in bit/s (sent to browsers as REMB). */
  publisherBitrate: number;
}

export class JanusMediaPlane extends EventEmitter<MediaPlaneEvents> implements MediaPlane {
  constructor(
    private readonly backend: JanusBackend,
    private readonly settings: VideoRoomSettings,
  ) {
    super();
    backend.on("down", () => this.emit("down"));
    backend.on("up", () => this.emit("up"));
  }

  get available(): boolean {
    return this.backend.connection?.isOpen ?? false;
  }

  async createRoom(): Promise<MediaRoom> {
    const connection = this.backend.connection;
    if (!connection) throw new JanusClosedError();
    return JanusRoom.create(connection, this.settings);
  }

  async close(): Promise<void> {
    await this.backend.stop();
  }
}

class JanusRoom implements MediaRoom {
  private destroyed = false;

  private constructor(
    private readonly session: JanusSession,
    private readonly control: JanusHandle,
    readonly roomId: number,
  ) {}

  static async create(connection: JanusConnection, settings: VideoRoomSettings): Promise<JanusRoom> {
    const session = await connection.createSession();
    try {
      const control = await session.attach(PLUGIN);
      const roomId = randomId();
      await control.request({
        request: "create",
        room: roomId,
        permanent: false,
        is_private: true,
        publishers: 100,
        bitrate: settings.publisherBitrate,
        fir_freq: 10,
        audiocodec: "opus",
        videocodec: "vp8",
        notify_joining: false,
      });
      return new JanusRoom(session, control, roomId);
    } catch (error) {
      await session.destroy();
      throw error;
    }
  }

  async join(): Promise<MediaParticipant> {
    const publisher = await this.session.attach(PLUGIN);
    const feedId = randomId();
    try {
      await publisher.message({ request: "join", ptype: "publisher", room: this.roomId, id: feedId });
    } catch (error) {
      await publisher.detach();
      throw error;
    }
    return new JanusParticipant(this.session, this.roomId, feedId, publisher);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.control.request({ request: "destroy", room: this.roomId }).catch(() => {});
    await this.session.destroy();
  }
}

class JanusParticipant extends EventEmitter<MediaParticipantEvents> implements MediaParticipant {
  private subscriber: JanusHandle | undefined;
  /** The subscriber handle has joined the room (Janus needs `join` first, `update` after). */
  private subscriberJoined = false;
  /** Feeds the Janus subscription currently carries. */
  private subscribed = new Set<FeedId>();
  /** Subscription changes run one at a time, in order. */
  private subscriptionQueue: Promise<void> = Promise.resolve();
  private left = false;

  constructor(
    private readonly session: JanusSession,
    private readonly roomId: number,
    readonly feedId: FeedId,
    private readonly publisher: JanusHandle,
  ) {
    super();
    publisher.on("webrtcup", () => this.emit("publishing"));
    publisher.on("hangup", () => this.emit("publisherDown"));
  }

  async publish(offerSdp: string): Promise<string> {
    const reply = await this.publisher.message(
      { request: "publish", audiocodec: "opus", videocodec: "vp8" },
      { type: "offer", sdp: offerSdp },
    );
    if (reply.jsep?.type !== "answer") throw new Error("Janus answered 'publish' without an SDP answer");
    return reply.jsep.sdp;
  }

  subscribe(feeds: readonly FeedId[]): Promise<void> {
    const wanted = new Set(feeds);
    const run = this.subscriptionQueue.then(() => this.applySubscription(wanted, 3));
    this.subscriptionQueue = run.catch(() => {});
    return run;
  }

  async answerSubscription(answerSdp: string): Promise<void> {
    if (!this.subscriber) throw new OutOfOrderError("there is no subscriber offer to answer");
    await this.subscriber.message({ request: "start" }, { type: "answer", sdp: answerSdp });
  }

  async trickle(target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void> {
    const handle = target === "subscriber" ? this.subscriber : this.publisher;
    if (!handle) return; // a late candidate for a subscription that no longer exists
    await handle.trickle(candidate);
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.removeAllListeners();
    await Promise.all([this.publisher.detach(), this.subscriber?.detach()]);
  }

  private async applySubscription(wanted: Set<FeedId>, retries: number): Promise<void> {
    if (this.left) return;
    const add = [...wanted].filter((feed) => !this.subscribed.has(feed));
    const remove = [...this.subscribed].filter((feed) => !wanted.has(feed));
    if (add.length === 0 && remove.length === 0) return;
    try {
      if (!this.subscriberJoined) {
        if (add.length === 0) return;
        if (!this.subscriber) {
          this.subscriber = await this.session.attach(PLUGIN);
          this.subscriber.on("event", (data, jsep) => this.onSubscriberEvent(data, jsep));
        }
        const reply = await this.subscriber.message({
          request: "join",
          ptype: "subscriber",
          room: this.roomId,
          streams: add.map((feed) => ({ feed })),
        });
        this.subscriberJoined = true;
        this.onSubscriberEvent(reply.data, reply.jsep);
      } else {
        const reply = await this.subscriber!.message({
          request: "update",
          ...(add.length ? { subscribe: add.map((feed) => ({ feed })) } : {}),
          ...(remove.length ? { unsubscribe: remove.map((feed) => ({ feed })) } : {}),
        });
        this.onSubscriberEvent(reply.data, reply.jsep);
      }
    } catch (error) {
      // A feed left (or has not finished connecting) between the client's request and ours:
      // drop it and try the rest again.
      const missing = error instanceof JanusError && error.code === NO_SUCH_FEED ? feedInError(error.message) : undefined;
      if (missing === undefined || retries === 0) throw error;
      wanted.delete(missing);
      await this.applySubscription(wanted, retries - 1);
    }
  }


  private onSubscriberEvent(data: Record<string, unknown>, jsep: Jsep | undefined): void {
    const streams = Array.isArray(data.streams) ? (data.streams as JanusStream[]) : undefined;
    if (streams) this.subscribed = new Set(streams.flatMap((s) => (isLiveStream(s) ? [s.feed_id] : [])));
    if (jsep?.type === "offer") {
      this.emit("subscriberOffer", jsep.sdp, (streams ?? []).filter(isLiveStream).map(toSubscriptionStream));
    }
  }
}

interface JanusStream {
  mid: string;
  type: string;
  feed_id?: number;
  active?: boolean;
}

function isLiveStream(s: JanusStream): s is JanusStream & { feed_id: number; type: "audio" | "video" } {
  return typeof s.feed_id === "number" && s.active !== false && (s.type === "audio" || s.type === "video");
}

function toSubscriptionStream(s: JanusStream & { feed_id: number; type: "audio" | "video" }): SubscriptionStream {
  return { mid: s.mid, feedId: s.feed_id, kind: s.type };
}

function feedInError(message: string): FeedId | undefined {
  const match = /No such feed \((\d+)\)/.exec(message);
  return match ? Number(match[1]) : undefined;
}
