/**
 * One connection's part in one room, on the room's side of the registry
 * seam: it takes the connection's validated messages in order, holds them
 * until the join is decided (for a guest, until a moderator lets them in),
 * hands each to the live room, and answers failures with typed errors.
 *
 * The connection's edge (src/server/signaling.ts) sees only the
 * `ParticipantSignal` it got from the registry, and its `ParticipantLink`
 * receives whatever the room sends: whether the room runs in this process
 * or on another node is invisible to it (LiveKit's router pattern).
 */
import type { ClientMessage, ClientMessageOf, ClientMessageType, ErrorCode, RoomName } from "../protocol/messages.js";
import { MediaError, OutOfOrderError } from "../media/media-plane.js";
import type { Logger } from "../common/log.js";
import { TokenBucket } from "../common/token-bucket.js";
import { CONTENT_BYTES_BURST, CONTENT_BYTES_PER_SECOND } from "./content-policy.js";
import { ForbiddenError, ParticipantNotFoundError, RefusedError, RoomClosedError } from "./errors.js";
import type { Admission, JoinRequest, LiveRoom, Member, ParticipantLink } from "./live-room.js";

/** The connection's way into its room: messages in order, and its end. */
export interface ParticipantSignal {
  /** One validated message, after the `join` that opened this signal. */
  send(message: ClientMessage): void;
  /**
   * The connection closed (or sent `leave`, which the edge turns into a close): a lobby wait is
   * given up, a participant leaves. `leftOnPurpose`: their resume token is forgotten.
   */
  close(leftOnPurpose: boolean): void;
}

/** Joins the session's room, trying again on a fresh room if it closes meanwhile. */
export type RoomJoiner = (request: JoinRequest) => Promise<{ room: LiveRoom; admission: Admission }>;

/** Messages that may wait for a pending join (a guest in the lobby). */
const MAX_HELD = 50;

/** Unexpected failures logged per connection: a client must not be able to fill the log. */
const LOGGED_FAILURES_BURST = 5;
const LOGGED_FAILURES_PER_SECOND = 0.1;

/** What a client is told for a failure it can act on; undefined for a media failure or a bug. */
export function expectedError(error: unknown): { code: ErrorCode; message: string } | undefined {
  if (error instanceof ParticipantNotFoundError) return { code: "not-joined", message: "you are no longer in this room" };
  if (error instanceof OutOfOrderError) return { code: "out-of-order", message: error.message };
  if (error instanceof ForbiddenError) return { code: "forbidden", message: error.message };
  if (error instanceof RefusedError) return { code: error.code, message: error.message };
  if (error instanceof RoomClosedError) return { code: "not-joined", message: "the meeting has ended" };
  return undefined;
}

export class ParticipantSession implements ParticipantSignal {
  private room: LiveRoom | undefined;
  private member: Member | undefined;
  private admission: Admission | undefined;
  /** Settles when the latest join is handled: in, refused, or (for a guest) let in or turned away. Later messages wait for it. */
  private joined: Promise<void> = Promise.resolve();
  /** Settles when the latest join is decided: in, refused, or waiting in the lobby. */
  private decided: Promise<void> = Promise.resolve();
  private held = 0;
  /** Joins sent and not yet settled: while there is one, later messages are held (and counted). */
  private joinsPending = 0;
  /** Handlers started and not yet finished, for `ping`. */
  private readonly running = new Set<Promise<void>>();
  private readonly logBudget = new TokenBucket(LOGGED_FAILURES_BURST, LOGGED_FAILURES_PER_SECOND);
  private readonly contentBudget = new TokenBucket(CONTENT_BYTES_BURST, CONTENT_BYTES_PER_SECOND);
  private closed = false;
  /** The room closed this connection (farewell, replaced): a join still held must not run. */
  private ended = false;

  /** The connection, as the room holds it: once the room closes it (farewell, replaced), this session is over. */
  private readonly link: ParticipantLink;

  constructor(
    private readonly roomName: RoomName,
    join: ClientMessageOf<"join">,
    private readonly address: string,
    link: ParticipantLink,
    private readonly joinRoom: RoomJoiner,
    private readonly log: Logger,
  ) {
    this.link = {
      send: (message) => link.send(message),
      close: (code, reason) => {
        this.ended = true;
        link.close(code, reason);
      },
    };
    this.send(join);
  }

  send(message: ClientMessage): void {
    if (message.type === "ping") {
      void this.pong(message.id);
      return;
    }
    // Only while a join is pending do messages pile up (for a guest, until a moderator decides).
    const held = this.joinsPending > 0;
    if (held && this.held >= MAX_HELD) {
      this.link.send({ type: "error", code: "rate-limited", message: "wait until you are let in before sending more" });
      return;
    }
    // Everything waits for a pending join; after that, messages start in arrival order but do not
    // wait for each other, so a slow publish does not hold up a subscription. Janus queues
    // candidates that arrive before their SDP, and the media participant orders its own
    // subscription changes.
    if (held) this.held++;
    let decide = () => {};
    if (message.type === "join") {
      // A join behind a pending one (a guest in the lobby sends another) is held like the rest:
      // a ping waits for the first one's decision only, or it would wait for a moderator.
      if (this.joinsPending++ === 0) this.decided = new Promise((resolve) => (decide = resolve));
    }
    const run = this.joined
      .then(() => {
        if (held) this.held--;
        return message.type === "join" ? this.join(message, decide) : this.handle(message);
      })
      .catch((error: unknown) => this.fail(message.type, error))
      .finally(() => {
        decide();
        if (message.type === "join") this.joinsPending--;
      });
    if (message.type === "join") this.joined = run;
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  close(leftOnPurpose: boolean): void {
    this.closed = true;
    this.admission?.cancel(leftOnPurpose);
    void this.joined.then(async () => {
      if (this.room && this.member) await this.room.leave(this.member.id, this.link, { forget: leftOnPurpose });
    });
  }

  private async join(message: ClientMessageOf<"join">, decided: () => void): Promise<void> {
    // Refused, removed or ended while this join waited behind another: it must not knock again
    // (or open the ended meeting afresh) in the time the socket takes to close.
    if (this.ended) return;
    if (this.member) {
      this.link.send({ type: "error", code: "already-joined", message: "this connection is already in a room", inReplyTo: "join" });
      return;
    }
    if (message.room !== this.roomName) {
      this.link.send({ type: "error", code: "bad-message", message: "a connection joins one room; open another for another room", inReplyTo: "join" });
      return;
    }
    const { room, admission } = await this.joinRoom({
      link: this.link,
      name: message.name,
      address: this.address,
      ...(message.resumeToken !== undefined ? { resumeToken: message.resumeToken } : {}),
      ...(message.moderatorKey !== undefined ? { moderatorKey: message.moderatorKey } : {}),
      ...(message.password !== undefined ? { password: message.password } : {}),
      ...(message.publicKey !== undefined ? { publicKey: message.publicKey } : {}),
    });
    this.admission = admission;
    decided();
    // The connection may have closed while the room was deciding: then stop waiting in its lobby.
    if (this.closed) admission.cancel();
    try {
      this.member = await admission.entered;
      this.room = room;
    } catch (error) {
      // Turned away, gone, or the meeting ended while waiting: the room told them already.
      const told = error instanceof ParticipantNotFoundError || error instanceof RoomClosedError || error instanceof RefusedError;
      if (!told) throw error;
    } finally {
      this.admission = undefined;
    }
  }

  /**
   * Answers once everything sent before has been handled, and whatever the room had queued
   * before (someone else's leave, a moderator's action) is done: all it caused has been sent.
   * While the person waits in the lobby, what they sent after `join` waits with them, so the
   * pong does not.
   */
  private async pong(id: number): Promise<void> {
    await this.decided;
    if (!this.admission?.waiting) await Promise.all([...this.running]);
    await this.room?.queue.run(async () => {}).catch(() => {});
    this.link.send({ type: "pong", id });
  }

  private async handle(message: ClientMessage): Promise<void> {
    const { room, member } = this;
    if (!room || !member) {
      this.link.send({ type: "error", code: "not-joined", message: "you are not in a room", inReplyTo: message.type });
      return;
    }
    const moderation = room.moderation;
    switch (message.type) {
      case "publish":
        this.link.send({ type: "publisherAnswer", sdp: await room.publish(member, message.sdp) });
        return;
      case "subscribe": {
        const unknown = await room.subscribe(member, message.participants, message.screens, message.video);
        if (unknown.length > 0) {
          const list = unknown.slice(0, 5).join(", ");
          this.link.send({ type: "error", code: "unknown-participant", message: `not in this room: ${list}`, inReplyTo: "subscribe" });
        }
        return;
      }
      case "publishScreen":
        this.link.send({ type: "screenAnswer", sdp: await room.publishScreen(member, message.sdp) });
        return;
      case "stopScreen":
        return room.stopScreen(member);
      case "subscriberAnswer":
        return room.answerSubscription(member, message.sdp);
      case "trickle":
        return room.trickle(member, message.target, message.candidate);
      case "mediaState":
        return room.setMediaState(member, message.audio, message.video);
      case "chat":
      case "sealedChat":
        return room.relay.chat(member, message);
      case "content": {
        if (!this.contentBudget.take(message.data.length)) {
          this.link.send({ type: "error", code: "rate-limited", message: "too much content at once; slow down", inReplyTo: "content" });
          return;
        }
        const { type: _type, ...content } = message;
        return room.relay.content(member, content);
      }
      case "e2eeKeys":
        return room.relay.relayKeys(member, message.keyId, message.sealed);
      case "raiseHand":
        return room.relay.raiseHand(member, message.raised);
      case "react":
        return room.relay.react(member, message.reaction);
      case "requireE2ee":
        return moderation.requireE2ee(member, message.required);
      case "admit":
        return moderation.admit(member, message.participants);
      case "refuse":
        return moderation.refuse(member, message.participant);
      case "moderate":
        return moderation.moderate(member, message.participant, message.action);
      case "lock":
        return moderation.lock(member, message.locked);
      case "setPassword":
        return moderation.setPassword(member, message.password);
      case "endMeeting":
        return moderation.end(member);
      case "allowMultipleShares":
        return moderation.allowMultipleShares(member, message.allowed);
      // Breakout rooms (breakout-rooms.ts checks who may).
      case "breakoutRooms":
        return room.breakouts.setCount(member, message.count);
      case "breakoutAssign":
        return room.breakouts.assign(member, message.assignments);
      case "breakoutAssignRandom":
        return room.breakouts.assignRandom(member);
      case "breakoutSettings":
        return room.breakouts.settings(member, message.allowChoose, message.durationMinutes);
      case "breakoutOpen":
        return room.breakouts.open(member);
      case "breakoutClose":
        return room.breakouts.close(member, message.countdownSeconds);
      case "breakoutChoose":
        return room.breakouts.choose(member, message.breakout);
      case "breakoutHelp":
        return room.breakouts.help(member);
      // Moderator tools (issue 13)
      case "moderateAll":
        return moderation.moderateAll(member, message.action);
      case "newcomerDefaults":
        return moderation.setNewcomerDefaults(member, { muteMicrophones: message.muteMicrophones, cameraOff: message.cameraOff });
      case "lobbyMessage":
        return moderation.messageLobby(member, message.text);
      case "record": // issue 16
        return moderation.record(member, message.on);
      case "join": // handled by join()
      case "meetingNotice": // before joining: answered at the connection's edge
      case "leave":
      case "ping":
      case "probe":
      case "probeServers":
        return; // handled before: ping above; leaving and probes at the connection's edge
    }
  }

  private fail(inReplyTo: ClientMessageType, error: unknown): void {
    const expected = expectedError(error);
    if (expected) return this.link.send({ type: "error", ...expected, inReplyTo });
    const mediaProblem = error instanceof MediaError;
    if (this.logBudget.take()) this.log.warn({ inReplyTo, err: error instanceof Error ? error.message : String(error) }, "request failed");
    this.link.send({
      type: "error",
      code: mediaProblem ? "media-unavailable" : "internal",
      message: mediaProblem ? "the media server could not do that; try again" : "the server could not handle that message",
      inReplyTo,
    });
  }
}
