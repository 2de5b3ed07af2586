/**
 * A room while people are in it: the pure Room (members, lobby, settings),
 * its media (room-media.ts), and the connection of each person.
 *
 * Every change runs one at a time through the room's queue; slow checks
 * (a password's scrypt) run before a join takes its turn, so guessing does
 * not stall the queue. Who gets in is decided by admission.ts; moderator
 * actions live in moderation.ts. Nothing here outlives the meeting: no name,
 * id or timestamp is written anywhere.
 */
import { createHash, randomBytes } from "node:crypto";
import { CloseCode, type IceCandidate, type ParticipantId, type PeerConnectionRole, type Role, type RoomName, type VideoQuality } from "../protocol/messages.js";
import { Room, type Delivery } from "./room.js";
import { LayerDemand } from "./layer-demand.js";
import { SerialQueue } from "./serial-queue.js";
import { PasswordAttempts } from "./attempts.js";
import { verifyPassword, type PasswordHash } from "./password.js";
import { decideAdmission, isConsultationRoom, type EntryFacts } from "./admission.js";
import { newKeyId, type ModeratorClaims } from "./moderator-keys.js";
import { ParticipantNotFoundError, RefusedError, RoomClosedError } from "./errors.js";
import { RoomMedia, type MemberMedia, type RoomMediaEvents } from "./room-media.js";
import { BreakoutRooms } from "./breakout-rooms.js";
import { Moderation } from "./moderation.js";
import { Relay } from "./relay.js";
import { StateKeeper } from "./recoverable-state.js";
import type { Admission, JoinRequest, Known, Member, ParticipantLink, RoomContext, Waiter } from "./room-context.js";

export type { Admission, JoinRequest, Known, Member, ParticipantLink, RoomContext, RoomPolicy, Waiter } from "./room-context.js";

const hash = (token: string) => createHash("sha256").update(token).digest("hex");
const newId = () => randomBytes(12).toString("base64url");

export class LiveRoom {
  /** Every change to what the room would need after a move happens in the queue: the keeper looks after each operation. */
  readonly queue = new SerialQueue(() => {
    if (!this.closed) this.kept?.keep();
  });
  readonly room = new Room();
  readonly members = new Map<ParticipantId, Member>();
  readonly waiters = new Map<ParticipantId, Waiter>();
  readonly known = new Map<string, Known>();
  /** Moderator key ids shut out of this run of the meeting (demoted or removed moderators). */
  readonly shutOut = new Set<string>();
  /** This run of the meeting: promoted moderator keys are valid only in it (carried over when the room moves to another node). */
  instance = newKeyId();
  /** The main room's media; each breakout room has its own (breakout-rooms.ts). */
  readonly media: RoomMedia;
  readonly mediaEvents: RoomMediaEvents;
  readonly moderation: Moderation;
  /** What participants pass to each other through the room: hands, reactions, chat, content, keys. */
  readonly relay: Relay;
  readonly breakouts: BreakoutRooms;
  /** Which camera layers anyone receives, so publishers encode no layer nobody watches. */
  private readonly layers = new LayerDemand();
  password: PasswordHash | undefined;
  private readonly roomAttempts: PasswordAttempts;
  private closed = false;
  private readonly kept: StateKeeper | undefined;
  /** Settles once the state a previous run left (if any) is back: before anyone is let in. */
  private readonly restored: Promise<void>;

  constructor(
    readonly name: RoomName,
    readonly context: RoomContext,
    /** Called once when the last person has left and the room is gone. */
    private readonly onClosed: () => void,
  ) {
    this.roomAttempts = new PasswordAttempts(context.policy.roomPasswordAttempts);
    this.mediaEvents = {
      publishing: (id, source, up) => this.deliver(this.room.update(id, source === "camera" ? { publishing: up } : { screen: up })),
      send: (id, message) => this.members.get(id)?.link.send(message),
    };
    this.media = new RoomMedia(context.mediaPlane, context.log, this.mediaEvents);
    this.moderation = new Moderation(this);
    this.relay = new Relay(this);
    this.breakouts = new BreakoutRooms(this);
    this.kept = context.recovery && new StateKeeper(this, name, context.recovery);
    this.restored = this.kept ? this.queue.run(() => this.kept!.restore()) : Promise.resolve();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Whether every browser must encrypt end to end, by the meeting's setting or the server's (and always in a consultation's room). */
  get requiresE2ee(): boolean {
    return this.context.policy.e2ee === "required" || this.room.requiresE2ee || isConsultationRoom(this.name);
  }

  /**
   * Lets a person in, or into the lobby, as admission.ts decides. The moderator key and the
   * password are checked before the join takes its turn in the queue; whatever could have
   * changed meanwhile is checked again in it.
   */
  async join(request: JoinRequest): Promise<Admission> {
    await this.restored;
    const claims = this.context.moderatorKeys.verify(this.name, request.moderatorKey);
    const passwordCheck = await this.checkPassword(request, claims);
    return this.queue.run(async () => {
      if (this.closed) throw new RoomClosedError();
      const tokenHash = request.resumeToken ? hash(request.resumeToken) : undefined;
      const known = tokenHash ? this.known.get(tokenHash) : undefined;
      const [valid, invited] = [this.keyValid(claims), claims?.grant === "invited"];
      const entry: EntryFacts = {
        moderatorKey: valid && !invited,
        invited: valid && invited,
        ...(known ? { returningAs: known.role } : {}),
        canEncrypt: !!request.publicKey,
        // The password may have changed while it was being checked: then the old verdict is void.
        password: passwordCheck.against === this.password ? passwordCheck.verdict : this.password ? "missing" : "none",
      };
      const decision = decideAdmission(
        {
          requiresE2ee: this.requiresE2ee,
          reserved: isConsultationRoom(this.name),
          locked: this.room.isLocked,
          lobby: this.context.policy.lobby,
          waiting: this.waiters.size,
          maxWaiting: this.context.policy.maxWaiting,
        },
        entry,
      );
      if (decision.kind === "refuse") throw new RefusedError(decision.code, decision.message);
      if (decision.kind === "knock" && !this.context.knocks.take(request.address)) {
        throw new RefusedError("rate-limited", "too many people from your network are knocking; try again in a minute");
      }
      if (known) {
        this.known.delete(tokenHash!);
        const previous = this.members.get(known.id);
        if (previous) {
          previous.link.close(CloseCode.replaced, "replaced by a newer connection");
          await this.removeMember(known.id);
        }
      }
      const id = known?.id ?? newId();
      if (decision.kind === "knock") return this.knock(id, request);
      const key = entry.moderatorKey && claims && claims.grant !== "invited" ? { grant: claims.grant, id: claims.id } : known?.role === "moderator" ? known.key : undefined;
      const member = await this.enter(id, request, decision.role, key, !!known);
      return { entered: Promise.resolve(member), waiting: false, cancel: () => {} };
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

  async publish(member: Member, sdp: string): Promise<string> {
    const answer = await this.mediaOf(member).publish(this.current(member).media, sdp);
    if (this.members.get(member.id) === member) this.tellLayers(this.layers.published(member.id));
    return answer;
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
    // Only those in the same room (main or breakout) can be received: their media is in the same media room.
    const here = (id: ParticipantId) => this.breakouts.locationOf(id) === this.breakouts.locationOf(member.id);
    const mediaOf = new Map([...this.members].map(([id, m]) => [id, m.media]));
    const received = publishing.filter(here);
    await member.media.participant.subscribe(this.mediaOf(member).wishes(mediaOf, received, screens.filter(here), video));
    if (this.members.get(member.id) === member) {
      this.tellLayers(this.layers.receive(member.id, new Map(received.map((id) => [id, video[id] ?? "high"]))));
    }
    return unknown;
  }

  /** Starts a screen share: a second publisher. One at a time per meeting unless a moderator allowed more. */
  publishScreen(member: Member, sdp: string): Promise<string> {
    return this.queue.run(async () => {
      const { media } = this.current(member);
      const location = this.breakouts.locationOf(member.id);
      const othersShare = [...this.members.values()].some((m) => m.media.screen && m !== member && this.breakouts.locationOf(m.id) === location);
      if (othersShare && !this.room.allowsMultipleShares) throw new RefusedError("screen-busy", "someone else is sharing their screen");
      await this.stopScreenOf(member);
      return this.mediaOf(member).publishScreen(member.id, media, sdp, () => void this.queue.run(() => this.stopScreenOf(member)));
    });
  }

  stopScreen(member: Member): Promise<void> {
    return this.queue.run(() => this.stopScreenOf(this.current(member)));
  }

  async answerSubscription(member: Member, sdp: string): Promise<void> {
    return this.current(member).media.participant.answerSubscription(sdp);
  }

  async trickle(member: Member, target: PeerConnectionRole, candidate: IceCandidate | null): Promise<void> {
    const { participant, screen } = this.current(member).media;
    if (target === "screen") return screen?.trickle("publisher", candidate) ?? Promise.resolve();
    return participant.trickle(target, candidate);
  }

  /** The person switched microphone or camera: everyone sees it, and the media server makes it so. */
  setMediaState(member: Member, audio: boolean, video: boolean): void {
    const { id, media } = this.current(member);
    this.deliver(this.room.update(id, { audio, video }));
    this.media.enforce(media, { audio, video });
  }

  /** Tells publishers the highest camera layer anyone now receives from them. */
  private tellLayers(changes: ReadonlyMap<ParticipantId, VideoQuality>): void {
    for (const [publisher, highest] of changes) this.members.get(publisher)?.link.send({ type: "videoLayers", highest });
  }

  /** Ends the room for everyone (the media server went away, or the server stops). */
  shutdown(code: number, reason: string): Promise<void> {
    return this.queue.run(async () => {
      for (const id of this.room.everyone()) this.linkOf(id)?.close(code, reason);
      await this.shutdownNow();
    });
  }

  // --- for moderation.ts ------------------------------------------------------

  /** The member behind a connection's Member, if it is still that connection's. */
  current(member: Member): Member {
    if (this.members.get(member.id) !== member) throw new ParticipantNotFoundError("this connection is no longer in the room");
    return member;
  }

  /** Brings someone into the meeting: media at the media server, then `joined` and the news to the others. */
  async enter(
    id: ParticipantId,
    { name, link, publicKey }: Pick<JoinRequest, "name" | "link" | "publicKey">,
    role: Role,
    key?: Member["key"],
    returning = false,
  ): Promise<Member> {
    let media: MemberMedia;
    try {
      media = await this.breakouts.mediaAt(this.breakouts.locationOf(id)).add(id);
    } catch (error) {
      await this.closeIfEmpty(); // nobody got in: an empty room must not linger in the registry
      throw error;
    }
    const token = randomBytes(16).toString("base64url");
    const member: Member = { id, link, media, ...(key ? { key } : {}) };
    this.members.set(id, member);
    this.known.set(hash(token), { id, role, ...(key ? { key } : {}) });
    const { others, deliveries, startWith } = this.room.add(id, name, role, publicKey ?? null, returning);
    // A newcomer bound by the meeting's defaults: the media server drops what they may not send yet.
    if (startWith) media.allowed = { ...startWith };
    const moderatorKey = role === "moderator" ? this.moderatorKeyFor(member) : undefined;
    link.send({
      type: "joined",
      participantId: id,
      role,
      resumeToken: token,
      participants: others,
      iceServers: this.context.iceServers(),
      ...(moderatorKey ? { moderatorKey } : {}),
      ...(startWith ? { startWith } : {}),
    });
    this.deliver(deliveries);
    // Back into a breakout room after a reload: everyone learns where; a newcomer learns how things stand.
    this.breakouts.announce(this.breakouts.locationOf(id) === null ? id : undefined);
    return member;
  }

  /**
   * The key a moderator keeps: an owner's renewed for another full lifetime under the same id (so
   * shutting it out still covers every copy), a promoted one's for this run; a new promoted key
   * for someone who has none yet.
   */
  moderatorKeyFor(member: Member): string {
    const { moderatorKeys, policy } = this.context;
    member.key ??= { grant: "promoted", id: newKeyId() };
    return member.key.grant === "owner"
      ? moderatorKeys.issueOwner(this.name, policy.ownerKeyLifetimeMs, member.key.id)
      : moderatorKeys.issuePromoted(this.name, this.instance, policy.promotedKeyLifetimeMs, member.key.id);
  }

  /** Takes someone out of the lobby (the moderators are told); undefined if not waiting. */
  takeWaiter(id: ParticipantId): Waiter | undefined {
    const waiter = this.waiters.get(id);
    if (!waiter) return undefined;
    this.waiters.delete(id);
    this.deliver(this.room.unknock(id));
    return waiter;
  }

  dropWaiter(id: ParticipantId, reason: Error): void {
    this.takeWaiter(id)?.refuse(reason);
  }

  /** The connection of someone in the meeting or in its lobby. */
  linkOf(id: ParticipantId): ParticipantLink | undefined {
    return this.members.get(id)?.link ?? this.waiters.get(id)?.link;
  }

  /** Forgets every resume token of a participant (they must knock to come back). */
  forget(id: ParticipantId): void {
    for (const [tokenHash, known] of this.known) if (known.id === id) this.known.delete(tokenHash);
  }

  async removeMember(id: ParticipantId): Promise<void> {
    const member = this.members.get(id);
    if (!member) return;
    this.members.delete(id);
    this.tellLayers(this.layers.forget(id));
    if (member.media.screen) this.deliver(this.room.update(id, { screen: false }));
    this.deliver(this.room.remove(id));
    await this.mediaOf(member).remove(member.media);
    await this.breakouts.dropEmptyMedia();
  }

  async stopScreenOf(member: Member): Promise<void> {
    if (await this.mediaOf(member).stopScreen(member.media)) this.deliver(this.room.update(member.id, { screen: false }));
  }

  async shutdownNow(): Promise<void> {
    for (const id of [...this.waiters.keys()]) this.dropWaiter(id, new RoomClosedError("the meeting ended"));
    for (const id of [...this.members.keys()]) await this.removeMember(id);
    await this.closeIfEmpty();
  }

  async closeIfEmpty(): Promise<void> {
    if (this.closed || !this.room.isEmpty) return;
    this.closed = true;
    this.onClosed();
    await Promise.all([this.media.destroy(), this.breakouts.destroy()]);
  }

  /** The media room a member's media is in: the main room's, or their breakout's. */
  mediaOf(member: Member): RoomMedia {
    return this.breakouts.mediaAt(this.breakouts.locationOf(member.id));
  }

  deliver(deliveries: Delivery[]): void {
    for (const { to, message } of deliveries) this.linkOf(to)?.send(message);
  }

  // --- internals -------------------------------------------------------------

  /** A genuine key is good here unless this meeting shut it out, or it was promoted in another run. */
  private keyValid(claims: ModeratorClaims | undefined): boolean {
    if (!claims || this.shutOut.has(claims.id)) return false;
    return claims.grant !== "promoted" || claims.instance === this.instance;
  }

  /**
   * The password verdict, worked out before the join's turn (scrypt takes 50–100 ms). Only for
   * people who need one: moderators and returning participants skip the password.
   */
  private async checkPassword(request: JoinRequest, claims: ModeratorClaims | undefined): Promise<{ verdict: EntryFacts["password"]; against: PasswordHash | undefined }> {
    const against = this.password;
    const returning = request.resumeToken !== undefined && this.known.has(hash(request.resumeToken));
    if (!against || this.keyValid(claims) || returning) return { verdict: "none", against };
    if (request.password === undefined) return { verdict: "missing", against };
    const attempts = this.context.passwordAttempts;
    if (!attempts.allowed(request.address) || !this.roomAttempts.allowed("room")) return { verdict: "too-many", against };
    if (await verifyPassword(request.password, against)) return { verdict: "right", against };
    attempts.failed(request.address);
    this.roomAttempts.failed("room");
    return { verdict: "wrong", against };
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
    // Also if a moderator let them in just before: leaving on purpose forgets the resume token.
    return { entered, waiting: true, cancel: (forget) => void this.leave(id, request.link, { forget: forget ?? false }) };
  }
}
