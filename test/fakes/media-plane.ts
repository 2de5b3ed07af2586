/**
 * An in-memory media plane for unit tests of the meeting logic, in the
 * spirit of LiveKit's routingfakes and mediasoup-client's fake handler: it
 * implements the media seam (src/media/media-plane.ts) without Janus, keeps
 * a record of everything asked of it, and lets a test play the media
 * server's part (a publisher comes up or goes down, the server goes away, a
 * request fails or hangs).
 *
 * It counts what is open, so a test can assert that a finished meeting left
 * no room and no participant behind. The real-Janus suites stay as they are:
 * this fake stands in only where Janus is beside the point.
 */
import { EventEmitter } from "node:events";
import type { IceCandidate, PeerConnectionRole } from "../../src/protocol/messages.js";
import {
  MediaError,
  OutOfOrderError,
  type FeedId,
  type MediaParticipant,
  type MediaParticipantEvents,
  type MediaPlane,
  type MediaPlaneEvents,
  type MediaRoom,
  type StreamWish,
  type SubscriptionStream,
} from "../../src/media/media-plane.js";
import { midsByKind } from "../../src/media/janus/videoroom.js";

/** Every request a test can make fail or hang. */
export type FakeOperation =
  | "createRoom"
  | "join"
  | "destroy"
  | "publish"
  | "subscribe"
  | "answerSubscription"
  | "trickle"
  | "mute"
  | "leave";

/** What one injected failure or hold is waiting for. */
interface Trap {
  operation: FakeOperation;
  error?: Error;
  gate?: Promise<void>;
}

export class FakeMediaPlane extends EventEmitter<MediaPlaneEvents> implements MediaPlane {
  available = true;
  /** Every room made, in order (destroyed ones included). */
  readonly rooms: FakeMediaRoom[] = [];
  private readonly traps: Trap[] = [];
  private nextFeed = 1;
  private closed = false;

  /** Rooms not destroyed yet. */
  get openRooms(): number {
    return this.rooms.filter((r) => !r.destroyed).length;
  }

  /** Participants (publishers, screen shares included) that have not left a room that still exists. */
  get openParticipants(): number {
    return this.rooms.reduce((n, r) => n + r.participants.filter((p) => !p.left).length, 0);
  }

  /** Every participant made in any room, in order. */
  get participants(): FakeMediaParticipant[] {
    return this.rooms.flatMap((r) => r.participants);
  }

  /** The participant that publishes `feed`, in whichever room. */
  participant(feed: FeedId): FakeMediaParticipant | undefined {
    return this.participants.find((p) => p.feedId === feed);
  }

  async createRoom(): Promise<MediaRoom> {
    await this.spring("createRoom");
    if (!this.available || this.closed) throw new MediaError("the media server is not available");
    const room = new FakeMediaRoom(this);
    this.rooms.push(room);
    return room;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const room of this.rooms) await room.destroy();
  }

  // --- what a test does as the media server ----------------------------------

  /** The media server went away: every room and participant is gone, and `down` is emitted. */
  goDown(): void {
    this.available = false;
    for (const room of this.rooms) room.vanish();
    this.emit("down");
  }

  /** The media server is back. */
  comeUp(): void {
    this.available = true;
    this.emit("up");
  }

  /** The next `operation` (anywhere in this plane) fails with `error`. */
  failNext(operation: FakeOperation, error: Error = new MediaError(`injected ${operation} failure`)): void {
    this.traps.push({ operation, error });
  }

  /**
   * The next `operation` waits until the returned function is called (then it goes on as usual):
   * for races, e.g. a connection that closes while its join is at the media server.
   */
  hold(operation: FakeOperation): () => void {
    let release!: () => void;
    this.traps.push({ operation, gate: new Promise<void>((resolve) => (release = resolve)) });
    return release;
  }

  /** @internal Springs the first trap set for `operation`, if any. */
  async spring(operation: FakeOperation): Promise<void> {
    const index = this.traps.findIndex((t) => t.operation === operation);
    if (index < 0) return;
    const [trap] = this.traps.splice(index, 1);
    if (trap!.gate) await trap!.gate;
    if (trap!.error) throw trap!.error;
  }

  /** @internal A feed id unique in this plane. */
  newFeed(): FeedId {
    return this.nextFeed++;
  }
}

export class FakeMediaRoom implements MediaRoom {
  readonly participants: FakeMediaParticipant[] = [];
  destroyed = false;

  constructor(readonly plane: FakeMediaPlane) {}

  async join(): Promise<MediaParticipant> {
    await this.plane.spring("join");
    if (this.destroyed) throw new MediaError("the media room is gone");
    const participant = new FakeMediaParticipant(this, this.plane.newFeed());
    this.participants.push(participant);
    return participant;
  }

  async destroy(): Promise<void> {
    if (this.destroyed) return;
    this.destroyed = true;
    this.vanish();
    await this.plane.spring("destroy");
  }

  /** @internal Everyone's media is gone (the room was destroyed, or the media server went away). */
  vanish(): void {
    this.destroyed = true;
    for (const p of this.participants) p.left = true;
  }

  /** @internal The kind of the stream `mid` that `feed` publishes in this room. */
  kindOf(feed: FeedId, mid: string): "audio" | "video" | undefined {
    const publisher = this.participants.find((p) => p.feedId === feed && !p.left);
    if (!publisher) return undefined;
    if (publisher.mids.audio === mid) return "audio";
    if (publisher.mids.video === mid) return "video";
    return undefined;
  }
}

export class FakeMediaParticipant extends EventEmitter<MediaParticipantEvents> implements MediaParticipant {
  mids: { audio?: string; video?: string } = {};
  /** Every offer `publish` answered, in order. */
  readonly offers: string[] = [];
  /** Every set of streams asked for with `subscribe`, in order. */
  readonly wishes: StreamWish[][] = [];
  /** Every subscriber offer this participant was sent, with its streams. */
  readonly subscriberOffers: { sdp: string; streams: SubscriptionStream[] }[] = [];
  /** Every answer to a subscriber offer. */
  readonly answers: string[] = [];
  /** Every trickled candidate, by target. */
  readonly candidates: { target: PeerConnectionRole; candidate: IceCandidate | null }[] = [];
  /** Every `mute` call, in order. */
  readonly mutes: { kind: "audio" | "video"; muted: boolean }[] = [];
  /** What the media server drops now. */
  readonly muted = { audio: false, video: false };
  left = false;
  private offerOutstanding = false;

  constructor(
    readonly room: FakeMediaRoom,
    readonly feedId: FeedId,
  ) {
    super();
  }

  /** The streams this participant receives now (the last wish), as the media server made them. */
  get subscribed(): readonly StreamWish[] {
    return this.wishes.at(-1) ?? [];
  }

  /** Answers with a fake SDP; what is published (the mids) is read from the offer, as Janus' plane does. */
  async publish(offerSdp: string): Promise<string> {
    await this.room.plane.spring("publish");
    this.assertHere();
    this.offers.push(offerSdp);
    this.mids = midsByKind(offerSdp);
    return `fake-answer feed=${this.feedId} n=${this.offers.length}`;
  }

  /** Records the wish; when the set of streams changed, sends a subscriber offer for it. */
  async subscribe(streams: readonly StreamWish[]): Promise<void> {
    await this.room.plane.spring("subscribe");
    this.assertHere();
    const before = JSON.stringify(this.subscribed);
    this.wishes.push(streams.map((s) => ({ ...s })));
    if (JSON.stringify(this.subscribed) === before) return;
    const offered: SubscriptionStream[] = [];
    for (const [i, wish] of streams.entries()) {
      const kind = this.room.kindOf(wish.feed, wish.mid);
      if (kind) offered.push({ mid: String(i), feedId: wish.feed, kind });
    }
    const sdp = `fake-offer for=${this.feedId} n=${this.subscriberOffers.length + 1}`;
    this.subscriberOffers.push({ sdp, streams: offered });
    this.offerOutstanding = true;
    this.emit("subscriberOffer", sdp, offered);
  }

  async answerSubscription(answerSdp: string): Promise<void> {
    await this.room.plane.spring("answerSubscription");
    this.assertHere();
    if (!this.offerOutstanding) throw new OutOfOrderError("no subscriber offer is waiting for an answer");
    this.offerOutstanding = false;
    this.answers.push(answerSdp);
  }

  async trickle(target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void> {
    await this.room.plane.spring("trickle");
    this.assertHere();
    this.candidates.push({ target, candidate });
  }

  async mute(kind: "audio" | "video", muted: boolean): Promise<void> {
    await this.room.plane.spring("mute");
    this.assertHere();
    if (this.mids[kind] === undefined) return;
    this.mutes.push({ kind, muted });
    this.muted[kind] = muted;
  }

  async leave(): Promise<void> {
    if (this.left) return;
    this.left = true;
    await this.room.plane.spring("leave");
  }

  // --- what a test does as the media server ----------------------------------

  /** The publisher's peer connection came up (Janus' `webrtcup`). */
  startPublishing(): void {
    this.emit("publishing");
  }

  /** The publisher's peer connection closed or failed (Janus' `hangup`). */
  dropPublisher(): void {
    this.emit("publisherDown");
  }

  private assertHere(): void {
    if (this.left) throw new MediaError("this participant has left the media room");
  }
}

/** Offers a unit test can publish: camera and microphone, or a screen (video only). */
export const CAMERA_OFFER = "v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n";
export const SCREEN_OFFER = "v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:0\r\n";
