/**
 * The media plane on Janus' VideoRoom plugin.
 *
 * One Janus session per room; in it a control handle that creates and
 * destroys the VideoRoom, and per participant a publisher handle and (once
 * they subscribe to anyone) one multistream subscriber handle. Janus never
 * learns names or room names: rooms and feeds are random numbers.
 */
import { EventEmitter } from "node:events";
import { randomBytes, randomInt } from "node:crypto";
import type { IceCandidate, PeerConnectionRole } from "../../protocol/messages.js";
import type {
  FeedId,
  MediaParticipant,
  MediaParticipantEvents,
  MediaPlane,
  MediaPlaneEvents,
  MediaRoom,
  StreamWish,
} from "../media-plane.js";
import { JanusClosedError, type JanusConnection, type JanusHandle, type JanusSession } from "./client.js";
import { JanusSubscription } from "./subscription.js";
import { acceptableCandidate, filterSdpCandidates, type CandidatePolicy } from "../candidates.js";
import type { JanusBackend } from "./supervisor.js";

const PLUGIN = "janus.plugin.videoroom";

/** Random ids in the range JSON numbers represent exactly. */
const randomId = () => randomInt(1, 2 ** 48);

export interface VideoRoomSettings {
  /** Bitrate cap per publisher in bit/s (sent to browsers as REMB). */
  publisherBitrate: number;
  /** Which browser candidates Janus may send connectivity checks to (../candidates.ts). */
  candidates: CandidatePolicy;
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
    private readonly secret: string,
    private readonly candidates: CandidatePolicy,
  ) {}

  static async create(connection: JanusConnection, settings: VideoRoomSettings): Promise<JanusRoom> {
    const session = await connection.createSession();
    try {
      const control = await session.attach(PLUGIN);
      const roomId = randomId();
      // Defence in depth: even with the Janus API secret, nobody can edit, moderate or record
      // this room without its own secret, which only this object knows; recording stays off.
      const secret = randomBytes(18).toString("base64url");
      await control.request({
        request: "create",
        room: roomId,
        secret,
        record: false,
        lock_record: true,
        permanent: false,
        is_private: true,
        publishers: 100,
        bitrate: settings.publisherBitrate,
        fir_freq: 10,
        audiocodec: "opus",
        videocodec: "vp8",
        notify_joining: false,
      });
      return new JanusRoom(session, control, roomId, secret, settings.candidates);
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
    return new JanusParticipant(this.session, { id: this.roomId, secret: this.secret }, feedId, publisher, this.candidates);
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    await this.session.answered(); // no room taken away under an offer Janus is working on
    await this.control.request({ request: "destroy", room: this.roomId, secret: this.secret }).catch(() => {});
    await this.session.destroy();
  }
}

class JanusParticipant extends EventEmitter<MediaParticipantEvents> implements MediaParticipant {
  private readonly subscription: JanusSubscription;
  mids: { audio?: string; video?: string } = {};
  private left = false;

  constructor(
    session: JanusSession,
    private readonly room: { id: number; secret: string },
    readonly feedId: FeedId,
    private readonly publisher: JanusHandle,
    private readonly candidates: CandidatePolicy,
  ) {
    super();
    publisher.on("webrtcup", () => this.emit("publishing"));
    publisher.on("hangup", () => this.emit("publisherDown"));
    this.subscription = new JanusSubscription(session, room.id, (sdp, streams) => this.emit("subscriberOffer", sdp, streams));
  }

  async publish(offerSdp: string): Promise<string> {
    const reply = await this.publisher.message(
      { request: "publish", audiocodec: "opus", videocodec: "vp8" },
      { type: "offer", sdp: filterSdpCandidates(offerSdp, this.candidates) },
    );
    if (reply.jsep?.type !== "answer") throw new Error("Janus answered 'publish' without an SDP answer");
    this.mids = midsByKind(offerSdp);
    return reply.jsep.sdp;
  }

  subscribe(streams: readonly StreamWish[]): Promise<void> {
    return this.subscription.update(streams);
  }

  answerSubscription(answerSdp: string): Promise<void> {
    return this.subscription.answer(filterSdpCandidates(answerSdp, this.candidates));
  }

  async trickle(target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void> {
    // A candidate Janus must not use is dropped without a word, as a lost one would be.
    if (candidate && !acceptableCandidate(candidate.candidate, this.candidates)) return;
    if (target === "subscriber") await this.subscription.trickle(candidate);
    else await this.publisher.trickle(candidate);
  }

  /** VideoRoom's `moderate`: the plugin stops (or resumes) relaying that stream to every subscriber. */
  async mute(kind: "audio" | "video", muted: boolean): Promise<void> {
    const mid = this.mids[kind];
    if (mid === undefined || this.left) return;
    await this.publisher.request({ request: "moderate", secret: this.room.secret, room: this.room.id, id: this.feedId, mid, mute: muted });
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    this.removeAllListeners();
    await Promise.all([this.publisher.detach(), this.subscription.close()]);
  }
}

/** The first audio and first video mid of an SDP: what a subscriber asks Janus for. */
export function midsByKind(sdp: string): { audio?: string; video?: string } {
  const mids: { audio?: string; video?: string } = {};
  let kind: string | undefined;
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith("m=")) kind = line.slice(2).split(" ")[0];
    const mid = /^a=mid:(\S+)/.exec(line)?.[1];
    if (mid && (kind === "audio" || kind === "video")) mids[kind] ??= mid;
  }
  return mids;
}
