/**
 * A room while people are in it: the pure Room (members, lobby, settings),
 * the media server's room, and the connection of each person.
 *
 * Every change runs one at a time through the room's queue. The media room
 * is created by the first admitted participant and destroyed when the room
 * empties. Nothing here outlives the meeting: no name, id or timestamp is
 * written anywhere. Moderator rights are checked here, on the server, for
 * every moderator action.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  CloseCode,
  type ErrorCode,
  type IceCandidate,
  type ModeratorAction,
  type ParticipantId,
  type PeerConnectionRole,
  type PublicKey,
  type Reaction,
  type Role,
  type RoomName,
  type VideoQuality,
  type ServerMessage,
} from "../protocol/messages.js";
import { Room, type ChatContent, type Delivery } from "../meeting/room.js";
import { SerialQueue } from "../meeting/serial-queue.js";
import type { PasswordAttempts } from "../meeting/attempts.js";
import { hashPassword, verifyPassword, type PasswordHash } from "../meeting/password.js";
import type { FeedId, MediaParticipant, MediaPlane, MediaRoom, StreamWish, Substream } from "../media/media-plane.js";
import type { MeetingCreator } from "./meetings.js";
import type { Logger } from "./log.js";

/** What a room needs from a person's connection. */
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
  /** A second publisher while the participant shares their screen. */
  screen?: MediaParticipant;
}

/** Whose stream a media-server feed is. */
interface FeedOwner {
  participantId: ParticipantId;
  source: "camera" | "screen";
}

/** What every room of a server shares. */
export interface RoomContext {
  mediaPlane: MediaPlane;
  log: Logger;
  meetings: MeetingCreator;
  /** Whether guests wait in a lobby (server default). */
  lobby: boolean;
  passwordAttempts: PasswordAttempts;
  /** Browsers encrypt end to end (server default); when off, no meeting can require it. */
  e2ee: boolean;
}

export interface JoinRequest {
  link: ParticipantLink;
  name: string;
  resumeToken?: string;
  moderatorKey?: string;
  password?: string;
  /** The browser's E2EE identity key; absent when it cannot encrypt end to end. */
  publicKey?: PublicKey;
  /** The client's network address, only for limiting password attempts; never stored or logged. */
  address: string;
}

/** A join in progress: `entered` settles when the person is in (at once, or once admitted). */
export interface Admission {
  entered: Promise<Member>;
  /** Gives up waiting in the lobby (the connection closed). */
  cancel(): void;
}

/** Thrown by a join on a room that has just closed; the registry retries on a fresh room. */
export class RoomClosedError extends Error {}

export class ParticipantNotFoundError extends Error {}

/** A request refused for a reason the person can act on (locked, password, someone else shares…). */
export class RefusedError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** A moderator action from someone who is not a moderator. */
export class ForbiddenError extends Error {}

/** The simulcast layer for each wanted size (the publisher sends full, half and quarter size). */
const SUBSTREAM: Record<Exclude<VideoQuality, "off">, Substream> = { low: 0, medium: 1, high: 2 };

const E2EE_REQUIRED = "this meeting admits only browsers that encrypt end to end";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newId = () => randomBytes(12).toString("base64url");

/** Someone in the lobby, with the promise their connection waits on. */
interface Waiter {
  id: ParticipantId;
  name: string;
  publicKey: PublicKey | undefined;
  link: ParticipantLink;
  admit(member: Member): void;
  refuse(error: Error): void;
}

/** Who came in before, by the hash of their latest resume token: a reload keeps id and role and skips the lobby. */
interface Known {
  id: ParticipantId;
  role: Role;
}

export class LiveRoom {
  private readonly queue = new SerialQueue();
  private readonly room = new Room();
  private readonly members = new Map<ParticipantId, Member>();
  private readonly waiters = new Map<ParticipantId, Waiter>();
  private readonly known = new Map<string, Known>();
  private readonly ownerOfFeed = new Map<FeedId, FeedOwner>();
  private media: MediaRoom | undefined;
  private password: PasswordHash | undefined;
  private closed = false;

  constructor(
    private readonly name: RoomName,
    private readonly context: RoomContext,
    /** Called once when the last person has left and the room is gone. */
    private readonly onClosed: () => void,
  ) {}

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Lets a person in, or into the lobby. Moderators (with the moderator key)
   * and people coming back with a resume token of someone admitted before go
   * straight in; everyone else knocks when the lobby is on.
   */
  join(request: JoinRequest): Promise<Admission> {
    return this.queue.run(async () => {
      if (this.closed) throw new RoomClosedError();
      if (this.room.requiresE2ee && !request.publicKey) throw new RefusedError("e2ee-required", E2EE_REQUIRED);
      const tokenHash = request.resumeToken ? hash(request.resumeToken) : undefined;
      const known = tokenHash ? this.known.get(tokenHash) : undefined;
      const isModerator = this.context.meetings.isModeratorKey(this.name, request.moderatorKey);
      const role: Role = isModerator || known?.role === "moderator" ? "moderator" : "participant";
      if (role !== "moderator" && !known) await this.checkEntry(request);
      if (known) {
        this.known.delete(tokenHash!);
        const previous = this.members.get(known.id);
        if (previous) {
          previous.link.close(CloseCode.replaced, "replaced by a newer connection");
          await this.removeMember(known.id);
        }
      }
      const id = known?.id ?? newId();
      if (role === "moderator" || known || !this.context.lobby) {
        const member = await this.enter(id, request, role);
        return { entered: Promise.resolve(member), cancel: () => {} };
      }
      return this.knock(id, request);
    });
  }

  /**
   * Removes a participant or lobby guest if `link` is still theirs; the last one out closes the
   * room. `forget`: they left on purpose, so their resume token no longer skips the lobby.
   */
  leave(id: ParticipantId, link: ParticipantLink, options: { forget?: boolean } = {}): Promise<void> {
    return this.queue.run(async () => {
      if (this.waiters.get(id)?.link === link) this.dropWaiter(id, new ParticipantNotFoundError("left the lobby"));
      else if (this.members.get(id)?.link === link) {
        if (options.forget) this.forget(id);
        await this.removeMember(id);
      }
      await this.closeIfEmpty();
    });
  }

  // Each operation below takes the Member its connection got from join(): a connection that was
  // replaced (resume) or removed holds a stale Member and is refused, so it can never act for
  // whoever holds the participant id now.

  publish(member: Member, sdp: string): Promise<string> {
    return this.current(member).media.publish(sdp);
  }

  /**
   * Subscribes to exactly the given participants' audio and (at the wanted layer, or not at
   * all) video, and to the given screens; returns the ids that are not in the room.
   */
  async subscribe(
    member: Member,
    wanted: readonly ParticipantId[],
    wantedScreens: readonly ParticipantId[] = [],
    video: Readonly<Record<ParticipantId, VideoQuality>> = {},
  ): Promise<ParticipantId[]> {
    const { publishing, screens, unknown } = this.room.resolveSubscription(this.current(member).id, wanted, wantedScreens);
    const streams: StreamWish[] = [];
    for (const id of publishing) {
      const { feedId: feed, mids } = this.members.get(id)!.media;
      const quality = video[id] ?? "high";
      if (mids.audio) streams.push({ feed, mid: mids.audio });
      if (mids.video && quality !== "off") streams.push({ feed, mid: mids.video, substream: SUBSTREAM[quality] });
    }
    for (const id of screens) {
      const screen = this.members.get(id)?.screen;
      if (screen?.mids.video) streams.push({ feed: screen.feedId, mid: screen.mids.video });
    }
    await member.media.subscribe(streams);
    return unknown;
  }

  /** Starts a screen share: a second publisher. One at a time per meeting. */
  publishScreen(member: Member, sdp: string): Promise<string> {
    return this.queue.run(async () => {
      const { id } = this.current(member);
      const othersShare = [...this.members.values()].some((m) => m.screen && m !== member);
      if (othersShare && !this.room.allowsMultipleShares) {
        throw new RefusedError("screen-busy", "someone else is sharing their screen");
      }
      await this.stopScreenOf(member);
      if (!this.media) throw new ParticipantNotFoundError("the meeting has no media room");
      const screen = await this.media.join();
      member.screen = screen;
      this.ownerOfFeed.set(screen.feedId, { participantId: id, source: "screen" });
      screen.on("publishing", () => this.deliver(this.room.update(id, { screen: true })));
      screen.on("publisherDown", () => void this.queue.run(() => this.stopScreenOf(member)));
      return screen.publish(sdp);
    });
  }

  stopScreen(member: Member): Promise<void> {
    return this.queue.run(() => this.stopScreenOf(this.current(member)));
  }

  answerSubscription(member: Member, sdp: string): Promise<void> {
    return this.current(member).media.answerSubscription(sdp);
  }

  trickle(member: Member, target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void> {
    const { media, screen } = this.current(member);
    if (target === "screen") return screen?.trickle("publisher", candidate) ?? Promise.resolve();
    return media.trickle(target, candidate);
  }

  setMediaState(member: Member, audio: boolean, video: boolean): void {
    this.deliver(this.room.update(this.current(member).id, { audio, video }));
  }

  raiseHand(member: Member, raised: boolean): void {
    this.deliver(this.room.setHand(this.current(member).id, raised));
  }

  react(member: Member, reaction: Reaction): void {
    this.deliver(this.room.react(this.current(member).id, reaction));
  }

  /** Relays a chat message (plain or sealed) to everyone in the meeting. It is not stored and not logged. */
  chat(member: Member, content: ChatContent): void {
    this.deliver(this.room.chat(this.current(member).id, content, Date.now()));
  }

  /** Passes each sealed media key to the one participant it is for. The server cannot open them. */
  relayKeys(member: Member, keyId: number, sealed: Readonly<Record<ParticipantId, string>>): void {
    const { deliveries, absent } = this.room.relayKeys(this.current(member).id, keyId, sealed);
    this.deliver(deliveries);
    if (absent.length) throw new RefusedError("unknown-participant", `not in this meeting: ${absent.slice(0, 5).join(", ")}`);
  }

  // --- moderator actions ---------------------------------------------------

  admit(by: Member, who: readonly ParticipantId[] | "all"): Promise<void> {
    return this.asModerator(by, async () => {
      for (const id of who === "all" ? this.room.waitingIds() : who) {
        // Nobody without E2EE waits while it is required (join and requireE2ee see to it).
        const waiter = this.takeWaiter(id);
        if (!waiter) continue;
        try {
          waiter.admit(await this.enter(id, waiter, "participant"));
        } catch (error) {
          waiter.refuse(error as Error);
        }
      }
    });
  }

  refuse(by: Member, id: ParticipantId): Promise<void> {
    return this.asModerator(by, async () => {
      const waiter = this.waiters.get(id);
      if (!waiter) return;
      this.farewell(waiter.link, "refused");
      this.dropWaiter(id, new RefusedError("not-joined", "refused"));
      await this.closeIfEmpty();
    });
  }

  moderate(by: Member, target: ParticipantId, action: ModeratorAction): Promise<void> {
    return this.asModerator(by, async () => {
      const member = this.members.get(target);
      if (!member) throw new RefusedError("unknown-participant", `participant ${target} is not in this meeting`);
      switch (action) {
        case "mute-audio":
          member.link.send({ type: "moderated", action });
          this.deliver(this.room.update(target, { audio: false }));
          return;
        case "stop-video":
          member.link.send({ type: "moderated", action });
          this.deliver(this.room.update(target, { video: false }));
          return;
        case "remove":
          this.farewell(member.link, "removed");
          this.forget(target); // a removed person may knock again, but not walk back in
          await this.removeMember(target);
          return;
        case "lower-hand":
          this.deliver(this.room.setHand(target, false));
          return;
        case "make-moderator":
          // The role first, then what comes with it (the lobby list); and a reload keeps it.
          member.link.send({ type: "roleChanged", role: "moderator", moderatorKey: this.context.meetings.moderatorKey(this.name) });
          this.deliver(this.room.promote(target));
          for (const known of this.known.values()) if (known.id === target) known.role = "moderator";
          return;
      }
    });
  }

  allowMultipleShares(by: Member, allowed: boolean): Promise<void> {
    return this.asModerator(by, async () => this.deliver(this.room.setState({ multipleShares: allowed })));
  }

  requireE2ee(by: Member, required: boolean): Promise<void> {
    return this.asModerator(by, async () => {
      if (required && !this.context.e2ee) throw new RefusedError("forbidden", "end-to-end encryption is switched off on this server");
      this.deliver(this.room.setState({ e2eeRequired: required }));
      if (!required) return;
      // Those already waiting whose browsers cannot encrypt are told now, not after a moderator lets them "in".
      for (const waiter of [...this.waiters.values()]) {
        if (waiter.publicKey) continue;
        waiter.link.send({ type: "error", code: "e2ee-required", message: E2EE_REQUIRED, inReplyTo: "join" });
        this.dropWaiter(waiter.id, new RefusedError("e2ee-required", E2EE_REQUIRED));
      }
    });
  }

  lock(by: Member, locked: boolean): Promise<void> {
    return this.asModerator(by, async () => this.deliver(this.room.setState({ locked })));
  }

  setPassword(by: Member, password: string | null): Promise<void> {
    return this.asModerator(by, async () => {
      this.password = password === null ? undefined : await hashPassword(password);
      this.deliver(this.room.setState({ passwordSet: password !== null }));
    });
  }

  /** Ends the meeting for everyone, the lobby included. */
  end(by: Member): Promise<void> {
    return this.asModerator(by, async () => {
      for (const id of this.room.everyone()) {
        const link = this.linkOf(id);
        if (link) this.farewell(link, "ended");
      }
      await this.shutdownNow();
    });
  }

  /** Ends the room for everyone (the media server went away, or the server stops). */
  shutdown(code: number, reason: string): Promise<void> {
    return this.queue.run(async () => {
      for (const id of this.room.everyone()) this.linkOf(id)?.close(code, reason);
      await this.shutdownNow();
    });
  }

  // --- internals -----------------------------------------------------------

  /** Lock and password apply to everyone who is not a moderator or coming back. */
  private async checkEntry(request: JoinRequest): Promise<void> {
    if (this.room.isLocked) throw new RefusedError("locked", "this meeting is locked");
    if (!this.password) return;
    if (request.password === undefined) throw new RefusedError("password-required", "this meeting needs a password");
    const attempts = this.context.passwordAttempts;
    if (!attempts.allowed(request.address)) {
      throw new RefusedError("too-many-attempts", "too many wrong passwords; wait a minute");
    }
    if (!(await verifyPassword(request.password, this.password))) {
      attempts.failed(request.address);
      throw new RefusedError("wrong-password", "that is not the meeting's password");
    }
  }

  private knock(id: ParticipantId, request: JoinRequest): Admission {
    let admit!: (member: Member) => void;
    let refuse!: (error: Error) => void;
    const entered = new Promise<Member>((resolve, reject) => {
      admit = resolve;
      refuse = reject;
    });
    entered.catch(() => {}); // whoever waits handles it; an abandoned wait is not an error
    this.waiters.set(id, { id, name: request.name, link: request.link, publicKey: request.publicKey, admit, refuse });
    this.deliver(this.room.knock(id, request.name, !!request.publicKey));
    return { entered, cancel: () => void this.leave(id, request.link) };
  }

  /** Takes someone out of the lobby (the moderators see the new list); undefined if not waiting. */
  private takeWaiter(id: ParticipantId): Waiter | undefined {
    const waiter = this.waiters.get(id);
    if (!waiter) return undefined;
    this.waiters.delete(id);
    this.deliver(this.room.unknock(id).deliveries);
    return waiter;
  }

  private dropWaiter(id: ParticipantId, reason: Error): void {
    this.takeWaiter(id)?.refuse(reason);
  }

  /** The connection of someone in the meeting or in its lobby. */
  private linkOf(id: ParticipantId): ParticipantLink | undefined {
    return this.members.get(id)?.link ?? this.waiters.get(id)?.link;
  }

  /** Brings someone into the meeting: media at the media server, then `joined` and the news to the others. */
  private async enter(
    id: ParticipantId,
    { name, link, publicKey }: Pick<JoinRequest, "name" | "link" | "publicKey">,
    role: Role,
  ): Promise<Member> {
    let media: MediaParticipant;
    try {
      this.media ??= await this.context.mediaPlane.createRoom();
      media = await this.media.join();
    } catch (error) {
      await this.closeIfEmpty(); // nobody got in: an empty room must not linger in the registry
      throw error;
    }
    const token = randomBytes(16).toString("base64url");
    const member: Member = { id, link, media };
    this.members.set(id, member);
    this.known.set(hash(token), { id, role });
    this.ownerOfFeed.set(media.feedId, { participantId: id, source: "camera" });
    this.wireMedia(member);
    const { others, deliveries } = this.room.add(id, name, role, publicKey ?? null);
    link.send({
      type: "joined",
      participantId: id,
      role,
      resumeToken: token,
      participants: others,
      ...(role === "moderator" ? { moderatorKey: this.context.meetings.moderatorKey(this.name) } : {}),
    });
    this.deliver(deliveries);
    return member;
  }

  private current(member: Member): Member {
    if (this.members.get(member.id) !== member) throw new ParticipantNotFoundError("this connection is no longer in the room");
    return member;
  }

  private asModerator(by: Member, action: () => Promise<void>): Promise<void> {
    return this.queue.run(async () => {
      this.current(by);
      if (!this.room.isModerator(by.id)) throw new ForbiddenError("only moderators may do that");
      await action();
    });
  }

  private farewell(link: ParticipantLink, reason: "refused" | "removed" | "ended"): void {
    link.send({ type: "farewell", reason });
    link.close(CloseCode.farewell, reason);
  }

  /** Forgets every resume token of a participant (they must knock to come back). */
  private forget(id: ParticipantId): void {
    for (const [tokenHash, known] of this.known) if (known.id === id) this.known.delete(tokenHash);
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
          const owner = this.ownerOfFeed.get(s.feedId);
          return owner ? [{ mid: s.mid, kind: s.kind, ...owner }] : [];
        }),
      });
    });
  }

  private async removeMember(id: ParticipantId): Promise<void> {
    const member = this.members.get(id);
    if (!member) return;
    this.members.delete(id);
    this.ownerOfFeed.delete(member.media.feedId);
    await this.stopScreenOf(member);
    this.deliver(this.room.remove(id));
    await member.media.leave().catch((error: Error) => this.context.log.warn({ err: error.message }, "media leave failed"));
  }

  private async stopScreenOf(member: Member): Promise<void> {
    const screen = member.screen;
    if (!screen) return;
    member.screen = undefined;
    this.ownerOfFeed.delete(screen.feedId);
    this.deliver(this.room.update(member.id, { screen: false }));
    await screen.leave().catch((error: Error) => this.context.log.warn({ err: error.message }, "screen leave failed"));
  }

  private async shutdownNow(): Promise<void> {
    for (const id of [...this.waiters.keys()]) this.dropWaiter(id, new RoomClosedError("the meeting ended"));
    for (const id of [...this.members.keys()]) await this.removeMember(id);
    await this.closeIfEmpty();
  }

  private async closeIfEmpty(): Promise<void> {
    if (this.closed || !this.room.isEmpty) return;
    this.closed = true;
    const media = this.media;
    this.media = undefined;
    this.onClosed();
    await media?.destroy().catch((error: Error) => this.context.log.warn({ err: error.message }, "media room destroy failed"));
  }

  private deliver(deliveries: Delivery[]): void {
    for (const { to, message } of deliveries) this.linkOf(to)?.send(message);
  }
}
