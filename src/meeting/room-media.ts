/**
 * One room's media at the media server: the media room (made when the first
 * person is let in), each member's publisher and subscription, a shared
 * screen's second publisher, and whose stream each media-server feed is.
 *
 * It also makes what everyone sees true at the media server: while a
 * participant shows as muted or with the camera off, the media server drops
 * that audio or video, so a modified client cannot be heard while it looks
 * muted (`enforce`).
 */
import type { ParticipantId, ServerMessage, VideoQuality } from "../protocol/messages.js";
import type { FeedId, MediaParticipant, MediaPlane, MediaRoom, StreamWish, Substream } from "../media/media-plane.js";
import type { Logger } from "../common/log.js";

/** The simulcast layer for each wanted size (the publisher sends full, half and quarter size). */
const SUBSTREAM: Record<Exclude<VideoQuality, "off">, Substream> = { low: 0, medium: 1, high: 2 };

/** Whose stream a media-server feed is. */
interface FeedOwner {
  participantId: ParticipantId;
  source: "camera" | "screen";
}

/** What may reach the others from a participant's camera and microphone. */
export interface Allowed {
  audio: boolean;
  video: boolean;
}

/** A member's media: their publisher (and subscription), and a second publisher while they share a screen. */
export interface MemberMedia {
  readonly participant: MediaParticipant;
  screen?: MediaParticipant;
  /** What the media server lets through, as last asked; applied again after each publish. */
  allowed: Allowed;
  /** Mute changes for this member run one after another, so an unmute cannot overtake a mute. */
  muting: Promise<void>;
}

export interface RoomMediaEvents {
  publishing(id: ParticipantId, source: "camera" | "screen", up: boolean): void;
  /** A new subscriber offer for `id`, already translated to participants. */
  send(id: ParticipantId, message: ServerMessage): void;
}

export class RoomMedia {
  private room: MediaRoom | undefined;
  private readonly owners = new Map<FeedId, FeedOwner>();

  constructor(
    private readonly plane: MediaPlane,
    private readonly log: Logger,
    private readonly events: RoomMediaEvents,
  ) {}

  /** A publisher (and later subscriber) for a member; makes the media room first if needed. */
  async add(id: ParticipantId): Promise<MemberMedia> {
    this.room ??= await this.plane.createRoom();
    const participant = await this.room.join();
    this.owners.set(participant.feedId, { participantId: id, source: "camera" });
    const media: MemberMedia = { participant, allowed: { audio: true, video: true }, muting: Promise.resolve() };
    participant.on("publishing", () => this.events.publishing(id, "camera", true));
    participant.on("publisherDown", () => this.events.publishing(id, "camera", false));
    participant.on("subscriberOffer", (sdp, streams) => {
      this.events.send(id, {
        type: "subscriberOffer",
        sdp,
        streams: streams.flatMap((s) => {
          const owner = this.owners.get(s.feedId);
          return owner ? [{ mid: s.mid, kind: s.kind, ...owner }] : [];
        }),
      });
    });
    return media;
  }

  /** Answers a member's publisher offer; what must not reach the others is dropped from the start. */
  async publish(media: MemberMedia, sdp: string): Promise<string> {
    const answer = await media.participant.publish(sdp);
    // A fresh publisher's streams flow: only what is not allowed needs telling.
    this.applyMutes(media, (["audio", "video"] as const).filter((kind) => !media.allowed[kind]));
    return answer;
  }

  /**
   * Lets through, or drops at the media server, a member's audio and video. Failures are logged
   * and do not fail the caller: the state everyone sees was already changed and told.
   */
  enforce(media: MemberMedia, allowed: Allowed): void {
    const changed = (["audio", "video"] as const).filter((kind) => allowed[kind] !== media.allowed[kind]);
    media.allowed = { ...allowed };
    this.applyMutes(media, changed);
  }

  private applyMutes(media: MemberMedia, kinds: readonly ("audio" | "video")[]): void {
    const { mids } = media.participant;
    const due = kinds.filter((kind) => mids[kind] !== undefined);
    if (due.length === 0) return;
    media.muting = media.muting.then(async () => {
      for (const kind of due) {
        // The latest wish wins: a mute queued behind an unmute applies what is allowed by then.
        await media.participant.mute(kind, !media.allowed[kind]).catch((error: Error) => this.log.warn({ err: error.message }, "media mute failed"));
      }
    });
  }

  /** The streams a receiver gets: each publishing member's audio, and video at the wanted layer. */
  wishes(
    members: ReadonlyMap<ParticipantId, MemberMedia>,
    cameras: readonly ParticipantId[],
    screens: readonly ParticipantId[],
    video: Readonly<Record<ParticipantId, VideoQuality>>,
  ): StreamWish[] {
    const streams: StreamWish[] = [];
    for (const id of cameras) {
      const participant = members.get(id)?.participant;
      if (!participant) continue;
      const quality = video[id] ?? "high";
      if (participant.mids.audio) streams.push({ feed: participant.feedId, mid: participant.mids.audio });
      if (participant.mids.video && quality !== "off") {
        streams.push({ feed: participant.feedId, mid: participant.mids.video, substream: SUBSTREAM[quality] });
      }
    }
    for (const id of screens) {
      const screen = members.get(id)?.screen;
      if (screen?.mids.video) streams.push({ feed: screen.feedId, mid: screen.mids.video });
    }
    return streams;
  }

  /** Starts a screen share: a second publisher for the member. */
  async publishScreen(id: ParticipantId, media: MemberMedia, sdp: string, onDown: () => void): Promise<string> {
    if (!this.room) throw new Error("the meeting has no media room");
    const screen = await this.room.join();
    media.screen = screen;
    this.owners.set(screen.feedId, { participantId: id, source: "screen" });
    screen.on("publishing", () => this.events.publishing(id, "screen", true));
    screen.on("publisherDown", onDown);
    return screen.publish(sdp);
  }

  /** Ends a member's screen share; false if there was none. */
  async stopScreen(media: MemberMedia): Promise<boolean> {
    const screen = media.screen;
    if (!screen) return false;
    media.screen = undefined;
    this.owners.delete(screen.feedId);
    await screen.leave().catch((error: Error) => this.log.warn({ err: error.message }, "screen leave failed"));
    return true;
  }

  /** Takes a member's media out of the room (their screen share first). */
  async remove(media: MemberMedia): Promise<void> {
    this.owners.delete(media.participant.feedId);
    // Removed media says nothing more: after a move to a breakout room, the new media speaks for the member.
    media.participant.removeAllListeners();
    await this.stopScreen(media);
    await media.participant.leave().catch((error: Error) => this.log.warn({ err: error.message }, "media leave failed"));
  }

  /** Destroys the media room (idempotent); a later `add` makes a new one. */
  async destroy(): Promise<void> {
    const room = this.room;
    this.room = undefined;
    this.owners.clear();
    await room?.destroy().catch((error: Error) => this.log.warn({ err: error.message }, "media room destroy failed"));
  }
}
