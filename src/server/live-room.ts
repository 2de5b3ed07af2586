/**
 * A room while people are in it: the pure Room membership, the media
 * server's room, and the connection of each participant.
 *
 * Joins and leaves run one at a time through the room's queue. The media
 * room is created by the first join and destroyed by the last leave.
 * Nothing here outlives the meeting: no name, id or timestamp is written
 * anywhere.
 */
import { createHash, randomBytes } from "node:crypto";
import { CloseCode, type IceCandidate, type ParticipantId, type PeerConnectionRole, type ServerMessage } from "../protocol/messages.js";
import { Room, type Delivery } from "../meeting/room.js";
import { SerialQueue } from "../meeting/serial-queue.js";
import type { FeedId, MediaParticipant, MediaPlane, MediaRoom } from "../media/media-plane.js";
import type { Logger } from "./log.js";

/** What a room needs from a participant's connection. */
export interface ParticipantLink {
  send(message: ServerMessage): void;
  /** Ends the connection (e.g. replaced by a newer one of the same participant). */
  close(code: number, reason: string): void;
}

/** A participant the room knows, as returned to its connection. */
export interface Member {
  readonly id: ParticipantId;
  readonly link: ParticipantLink;
  readonly media: MediaParticipant;
  readonly resumeHash: string;
}

/** What every room of a server shares. */
export interface RoomContext {
  mediaPlane: MediaPlane;
  log: Logger;
}

/** Thrown by a join on a room that has just closed; the registry retries on a fresh room. */
export class RoomClosedError extends Error {}

export class ParticipantNotFoundError extends Error {}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newId = () => randomBytes(12).toString("base64url");

export class LiveRoom {
  private readonly queue = new SerialQueue();
  private readonly room = new Room();
  private readonly members = new Map<ParticipantId, Member>();
  private readonly participantOfFeed = new Map<FeedId, ParticipantId>();
  private media: MediaRoom | undefined;
  private closed = false;

  constructor(
    private readonly context: RoomContext,
    /** Called once when the last participant has left and the room is gone. */
    private readonly onClosed: () => void,
  ) {}

  get size(): number {
    return this.room.size;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Adds a participant. With the resume token of someone still in the room
   * (a reload, or a reconnect before the old socket timed out), the old
   * connection is closed and the newcomer takes over their id.
   */
  join(link: ParticipantLink, name: string, resumeToken?: string): Promise<Member> {
    return this.queue.run(async () => {
      if (this.closed) throw new RoomClosedError();
      const resumed = resumeToken ? this.findByResumeHash(hash(resumeToken)) : undefined;
      if (resumed) {
        resumed.link.close(CloseCode.replaced, "replaced by a newer connection");
        await this.removeMember(resumed.id);
      }
      let media: MediaParticipant;
      try {
        this.media ??= await this.context.mediaPlane.createRoom();
        media = await this.media.join();
      } catch (error) {
        // Nobody got in: an empty room must not linger in the registry.
        if (this.room.isEmpty) await this.close();
        throw error;
      }
      const id = resumed?.id ?? newId();
      const token = randomBytes(16).toString("base64url");
      const member: Member = { id, link, media, resumeHash: hash(token) };
      this.members.set(id, member);
      this.participantOfFeed.set(media.feedId, id);
      this.wireMedia(member);
      const { others, deliveries } = this.room.add(id, name);
      link.send({ type: "joined", participantId: id, resumeToken: token, participants: others });
      this.deliver(deliveries);
      return member;
    });
  }

  /** Removes a participant if `link` is still theirs; the last one out closes the room. */
  leave(id: ParticipantId, link: ParticipantLink): Promise<void> {
    return this.queue.run(async () => {
      if (this.members.get(id)?.link !== link) return; // already replaced or gone
      await this.removeMember(id);
      if (this.room.isEmpty) await this.close();
    });
  }

  // Each operation below takes the Member its connection got from join(): a connection that was
  // replaced (resume) or removed holds a stale Member and is refused, so it can never act for
  // whoever holds the participant id now.

  publish(member: Member, sdp: string): Promise<string> {
    return this.current(member).media.publish(sdp);
  }

  /** Subscribes to exactly the given participants; returns the ids that are not in the room. */
  async subscribe(member: Member, wanted: readonly ParticipantId[]): Promise<ParticipantId[]> {
    const { publishing, unknown } = this.room.resolveSubscription(this.current(member).id, wanted);
    const feeds = publishing.map((p) => this.members.get(p)!.media.feedId);
    await member.media.subscribe(feeds);
    return unknown;
  }

  answerSubscription(member: Member, sdp: string): Promise<void> {
    return this.current(member).media.answerSubscription(sdp);
  }

  trickle(member: Member, target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void> {
    return this.current(member).media.trickle(target, candidate);
  }

  setMediaState(member: Member, audio: boolean, video: boolean): void {
    this.deliver(this.room.update(this.current(member).id, { audio, video }));
  }

  /** Ends the room for everyone (the media server went away). */
  shutdown(code: number, reason: string): Promise<void> {
    return this.queue.run(async () => {
      for (const member of [...this.members.values()]) {
        member.link.close(code, reason);
        await this.removeMember(member.id);
      }
      await this.close();
    });
  }

  private current(member: Member): Member {
    if (this.members.get(member.id) !== member) throw new ParticipantNotFoundError("this connection is no longer in the room");
    return member;
  }

  private findByResumeHash(resumeHash: string): Member | undefined {
    return [...this.members.values()].find((m) => m.resumeHash === resumeHash);
  }

  private wireMedia(member: Member): void {
    const { id, media, link } = member;
    media.on("publishing", () => this.deliver(this.room.update(id, { publishing: true })));
    media.on("publisherDown", () => this.deliver(this.room.update(id, { publishing: false })));
    media.on("subscriberOffer", (sdp, streams) => {
      link.send({
        type: "subscriberOffer",
        sdp,
        streams: streams.flatMap((s) => {
          const participantId = this.participantOfFeed.get(s.feedId);
          return participantId ? [{ mid: s.mid, kind: s.kind, participantId }] : [];
        }),
      });
    });
  }

  private async removeMember(id: ParticipantId): Promise<void> {
    const member = this.members.get(id);
    if (!member) return;
    this.members.delete(id);
    this.participantOfFeed.delete(member.media.feedId);
    this.deliver(this.room.remove(id));
    await member.media.leave().catch((error: Error) => this.context.log.warn({ err: error.message }, "media leave failed"));
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const media = this.media;
    this.media = undefined;
    this.onClosed();
    await media?.destroy().catch((error: Error) => this.context.log.warn({ err: error.message }, "media room destroy failed"));
  }

  private deliver(deliveries: Delivery[]): void {
    for (const { to, message } of deliveries) this.members.get(to)?.link.send(message);
  }
}
