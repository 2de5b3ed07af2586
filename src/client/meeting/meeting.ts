/**
 * One participant's meeting, from "Join" to "Leave": the signaling
 * connection, joining and rejoining after a dropped connection or a reload,
 * and the one place where each server message is handed to the part that
 * deals with it. It drives a view and contains no DOM code. The parts:
 * roster.ts (who is here), media-links.ts (the peer connections: camera.ts
 * sending, receiver.ts receiving, screen-share.ts), encryption.ts, chat.ts, moderation.ts (and moderated.ts: what a
 * moderator asks of this page), activity.ts
 * (speaking and quality meters).
 */
import { CloseCode, PROTOCOL_VERSION } from "../../protocol/constants.js";
import type { ClientMessageInput, ErrorCode, Participant, ParticipantId, Reaction, RoomName, ServerMessageOf, VideoQuality } from "../../protocol/messages.js";
import { SignalingClient } from "../signaling.js";
import type { LocalMedia } from "../media.js";
import { forgetSession, saveSession, savedSession } from "../storage.js";
import { forgetIdentity } from "../e2ee/kept-identity.js";
import type { EncryptionMode, MeetingControls, MeetingView, Verification } from "../view.js";
import { Roster } from "./roster.js";
import { MediaLinks } from "./media-links.js";
import { MeetingEncryption } from "./encryption.js";
import { MeetingChat } from "./chat.js";
import { ContentChannel } from "./content.js";
import { Collaboration } from "../collab/collaboration.js";
import { MeetingBreakouts } from "./breakouts.js";
import { Polls } from "../polls/polls.js";
import { MeetingRecording } from "../recording/meeting-recording.js";
import { obeyModerator, startAsAsked, type Obeying } from "./moderated.js";
import { Moderation } from "./moderation.js";
import { ActivityMeters } from "./activity.js";

/** Errors in reply to `join` that the person can do something about. */
const JOIN_PROBLEMS: readonly ErrorCode[] = ["password-required", "wrong-password", "too-many-attempts", "locked", "e2ee-required"];

export class Meeting implements MeetingControls {
  private readonly signaling: SignalingClient;
  private resumeToken: string | undefined;
  private leaving = false;
  /** The current connection's `welcome` arrived. */
  private welcomed = false;
  /** Camera and microphone are open (or failed to open): the publisher can be prepared. */
  private mediaReady = false;
  private retryTimer: number | undefined;
  private view: MeetingView | undefined;
  /** The meeting password the person typed, sent with every join of this page. */
  private password: string | undefined;
  private readonly roster = new Roster();
  private readonly e2ee: MeetingEncryption;
  private readonly links: MediaLinks;
  private readonly chat: MeetingChat;
  /** What participants create together (polls, whiteboard, notes, slides…): features send and listen here. */
  readonly content: ContentChannel;
  /** Whiteboard, shared notes, presentation: over `content`, told who joins and leaves (issue 14). */
  readonly collab: Collaboration;
  /** Polls (issue 13) and recording with consent (issue 16): both over the content channel. */
  readonly polls: Polls;
  readonly recording: MeetingRecording;
  readonly moderator: Moderation;
  readonly breakouts: MeetingBreakouts;
  private readonly meters: ActivityMeters;

  constructor(
    private readonly room: RoomName,
    private readonly media: LocalMedia,
  ) {
    this.resumeToken = savedSession(room)?.resumeToken;
    const send = (message: ClientMessageInput) => this.signaling.send(message);
    this.signaling = new SignalingClient({
      open: () => {},
      close: (code, final) => {
        this.welcomed = false;
        window.clearTimeout(this.retryTimer);
        if (final) this.e2ee.close();
        if (this.leaving || this.roster.name === undefined) return;
        this.links.close();
        this.view?.status(final ? (code === CloseCode.replaced ? "replaced" : "refused") : "reconnecting");
      },
    });
    this.e2ee = new MeetingEncryption(room, send, () => this.renderEncryption());
    this.links = new MediaLinks(media, {
      send,
      e2ee: () => this.e2ee.session,
      watch: (pc) => this.watchConnection(pc),
      showTracks: (tracks) => this.view?.remoteTracks(tracks),
      screenEnded: () => this.stopScreenShare(),
    });
    this.chat = new MeetingChat(send, () => this.e2ee.session, () => this.view);
    this.content = new ContentChannel({ send, backlog: () => this.signaling.backlog }, () => this.e2ee.session);
    const people = { selfId: () => this.roster.selfId, nameOf: (id: ParticipantId) => (id === this.roster.selfId ? this.roster.name : this.roster.get(id)?.name) };
    const isModerator = (id: ParticipantId) => (id === this.roster.selfId ? this.moderator.isModerator : this.roster.get(id)?.role === "moderator");
    this.polls = new Polls(this.content, { ...people, isModerator });
    this.recording = new MeetingRecording(send, this.content, people);
    this.collab = new Collaboration({
      content: this.content,
      others: () => this.roster.list(),
      selfId: () => this.roster.selfId,
      selfIsModerator: () => this.moderator.role === "moderator",
    });
    this.moderator = new Moderation(room, send);
    this.breakouts = this.makeBreakouts(send);
    this.meters = new ActivityMeters({ media, camera: this.links.camera, receiver: this.links.receiver }, () => this.roster.selfId, () => this.view);
    this.registerHandlers();
  }

  private resolveWelcome: (welcome: ServerMessageOf<"welcome">) => void = () => {};
  /** The first `welcome`: the server's defaults, needed before the camera opens. */
  readonly welcome = new Promise<ServerMessageOf<"welcome">>((resolve) => (this.resolveWelcome = resolve));

  /** Opens the signaling connection early (on the pre-join screen), so joining waits for no handshake. */
  connect(): void {
    this.signaling.connect();
  }

  join(name: string, view: MeetingView): void {
    this.roster.name = name;
    this.view = view;
    view.status("connecting");
    if (this.welcomed) void this.sendJoin();
    this.meters.start();
  }

  leave(): void {
    this.signaling.send({ type: "leave" });
    this.signaling.stop();
    this.finish();
    this.view?.status("left");
  }

  /** This person's part in the meeting is over: no media, no timers, nothing kept for a reload. */
  private finish(): void {
    this.leaving = true;
    this.links.close();
    this.meters.stop();
    this.polls.dispose();
    this.recording.close();
    forgetSession(this.room);
    void forgetIdentity(this.room);
    this.e2ee.close();
    this.collab.close();
  }

  retryJoin(password: string): void {
    this.password = password;
    this.view?.status("connecting");
    if (this.welcomed) void this.sendJoin();
  }

  /** Prepares the publisher once camera/microphone are open and the server's `welcome` is in. */
  prepare(): void {
    this.mediaReady = true;
    this.prepareIfReady();
  }

  private prepareIfReady(): void {
    if (!this.mediaReady || !this.welcomed || this.roster.name !== undefined) return;
    this.links.prepare();
  }

  private async sendJoin(): Promise<void> {
    await this.e2ee.whenReady();
    const e2ee = this.e2ee.session;
    const key = this.moderator.key;
    this.signaling.send({
      type: "join",
      version: PROTOCOL_VERSION,
      room: this.room,
      name: this.roster.name ?? "",
      ...(this.resumeToken ? { resumeToken: this.resumeToken } : {}),
      ...(key ? { moderatorKey: key } : {}),
      ...(this.password !== undefined ? { password: this.password } : {}),
      ...(e2ee ? { publicKey: e2ee.publicKey } : {}),
    });
    // Publishing does not wait for `joined`: the server handles our messages in order.
    void this.links.camera.start();
  }

  // What the screen asks of the meeting (MeetingControls).

  get encryption(): EncryptionMode | undefined {
    return this.e2ee.mode(this.welcomed);
  }

  get sharingScreen(): boolean {
    return this.links.screen.active;
  }

  get handRaised(): boolean {
    return this.roster.hand !== null;
  }

  async mediaChanged(): Promise<void> {
    await this.links.camera.useCurrentTracks();
    this.signaling.send({ type: "mediaState", audio: this.media.audioOn, video: this.media.videoOn });
    this.renderParticipants();
  }

  wantVideo(video: Record<ParticipantId, VideoQuality>): void {
    this.links.receiver.want(video);
    this.updateSubscription();
  }

  sendChat(text: string): void {
    this.chat.sendChat(text);
  }

  get verification(): Verification {
    return this.e2ee;
  }

  async startScreenShare(): Promise<boolean> {
    const started = await this.links.screen.start();
    if (started) this.renderParticipants();
    return started;
  }

  stopScreenShare(): void {
    if (!this.links.screen.end()) return;
    this.signaling.send({ type: "stopScreen" });
    this.renderParticipants();
  }

  raiseHand(raised: boolean): void {
    this.signaling.send({ type: "raiseHand", raised });
  }

  react(reaction: Reaction): void {
    this.signaling.send({ type: "react", reaction });
  }

  /** What a moderator's request may change here (moderated.ts). */
  private obeying(): Obeying {
    return { media: this.media, mediaChanged: () => this.mediaChanged(), stopScreenShare: () => this.stopScreenShare(), view: this.view };
  }

  private self(): Participant {
    return this.roster.self({
      role: this.moderator.role,
      screen: this.links.screen.active,
      audio: this.media.audioOn,
      video: this.media.videoOn,
      publicKey: this.e2ee.session?.publicKey ?? null,
    });
  }

  private registerHandlers(): void {
    const s = this.signaling;
    s.on("welcome", (m) => {
      this.resolveWelcome(m);
      // The server may have switched end-to-end encryption off: then this page does not encrypt.
      void this.e2ee.welcome(() => m.e2ee && !this.leaving).then(() => {
        this.welcomed = true;
        if (this.roster.name !== undefined && !this.leaving) void this.sendJoin();
        else this.prepareIfReady();
      });
    });
    s.on("joined", (m) => {
      // TURN credentials come only now: the publisher starts gathering, the subscriber will.
      this.links.connect(m.iceServers);
      this.roster.joined(m);
      this.resumeToken = m.resumeToken;
      this.moderator.setRole(m.role, m.moderatorKey);
      saveSession(this.room, { name: this.roster.name ?? "", resumeToken: m.resumeToken });
      this.breakouts.reset();
      this.e2ee.session?.joined(m.participantId, m.participants);
      this.collab.joined();
      this.recording.received(null); // a recording that runs is told again after `joined`; one that ended meanwhile is over
      this.links.receiver.forget();
      this.view?.status("connected");
      // Never more than the meeting lets a newcomer start with (issue 13), or the server would lift the mute.
      const start = m.startWith ?? { audio: true, video: true };
      this.signaling.send({ type: "mediaState", audio: this.media.audioOn && start.audio, video: this.media.videoOn && start.video });
      if (m.startWith) void startAsAsked(m.startWith, this.obeying());
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("participantJoined", (m) => {
      this.roster.add(m.participant);
      this.collab.participantJoined(m.participant.id);
      if (this.breakouts.separated) this.breakouts.shareKeys();
      else this.e2ee.session?.participantJoined(m.participant);
      void this.breakouts.greet(m.participant.id);
      this.view?.joined(m.participant);
      void this.polls.welcome(m.participant.id); // the polls this page started, for the newcomer
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("participantUpdated", (m) => {
      const other = this.roster.set(m.participant);
      if (other && this.breakouts.separated) this.breakouts.shareKeys();
      else if (other) this.e2ee.session?.participantUpdated(m.participant);
      this.renderParticipants();
      if (other) this.updateSubscription();
    });
    s.on("participantLeft", (m) => {
      const participant = this.roster.remove(m.participantId);
      this.collab.participantLeft(m.participantId);
      this.e2ee.session?.participantLeft(m.participantId);
      if (participant) this.view?.left(participant);
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("publisherAnswer", (m) => this.links.camera.acceptAnswer(m.sdp));
    s.on("screenAnswer", (m) => this.links.screen.acceptAnswer(m.sdp));
    s.on("subscriberOffer", (m) => void this.links.receiver.answer(m.sdp, m.streams));
    s.on("lobby", (m) => this.view?.lobby(m.hostPresent));
    s.on("lobbyChanged", (m) => this.view?.lobbyList(this.moderator.lobby(m)));
    s.on("lobbyJoined", (m) => this.view?.lobbyList(this.moderator.lobby(m)));
    s.on("lobbyLeft", (m) => this.view?.lobbyList(this.moderator.lobby(m)));
    s.on("roomState", (m) => this.view?.roomState(m));
    s.on("roleChanged", (m) => {
      this.moderator.setRole(m.role, m.moderatorKey);
      this.breakouts.shareKeys();
      this.renderParticipants();
    });
    s.on("breakouts", (m) => this.breakouts.update(m));
    s.on("breakoutHelp", (m) => this.breakouts.helpRequested(m));
    s.on("chat", (m) => this.chat.plain(m));
    s.on("sealedChat", (m) => this.chat.sealed(m));
    s.on("content", (m) => this.content.receive(m));
    s.on("e2eeKey", (m) => this.e2ee.session?.receiveKey(m.from, m.keyId, m.sealed));
    s.on("reaction", (m) => {
      const from = m.from === this.roster.selfId ? this.self() : this.roster.get(m.from);
      if (from) this.view?.reaction(from, m.reaction);
    });
    s.on("moderated", (m) => void obeyModerator(m.action, this.obeying()));
    // Moderator tools (issue 13)
    s.on("newcomerDefaults", ({ muteMicrophones, cameraOff }) => this.view?.newcomerDefaults({ muteMicrophones, cameraOff }));
    s.on("lobbyMessage", (m) => this.view?.lobbyMessage(m.text));
    s.on("recording", (m) => this.recording.received(m.by)); // issue 16
    s.on("meetingNotice", (m) => this.recording.notice(m.recording)); // before joining, and in the lobby
    s.on("videoLayers", (m) => this.links.camera.limitLayers(m.highest));
    s.on("farewell", (m) => {
      // Removed, or the meeting ended: a moderator key for it is of no use any more.
      if (m.reason !== "refused") this.moderator.forgetKey();
      this.finish();
      this.view?.farewell(m.reason);
    });
    s.on("error", (m) => this.onError(m));
  }

  private onError(m: ServerMessageOf<"error">): void {
    console.warn(`treff: ${m.code}: ${m.message}`);
    if (m.inReplyTo === "publishScreen") {
      this.stopScreenShare();
      if (m.code === "screen-busy") this.view?.screenBusy();
      return;
    }
    if (m.inReplyTo === "join" && JOIN_PROBLEMS.includes(m.code)) {
      this.links.close();
      this.view?.joinProblem(m.code);
      return;
    }
    // The media server may be restarting: try the whole join again shortly.
    if (m.inReplyTo === "join" && (m.code === "media-unavailable" || m.code === "internal")) {
      this.retryTimer = window.setTimeout(() => this.signaling.reconnect(), 1_000);
    }
  }

  /** After every participants update too: new tiles get their marks from it. */
  private renderEncryption(): void {
    const e2ee = this.e2ee.session;
    this.view?.encryption(new Map(e2ee ? this.roster.ids().map((id) => [id, e2ee.stateOf(id)]) : []));
  }

  /** Only the people in the same room (main or breakout) are on the stage and received. */
  private renderParticipants(): void {
    this.view?.participants(this.self(), this.roster.list().filter((p) => this.breakouts.sameRoom(p.id)));
    this.view?.breakouts(this.breakouts.info([this.self(), ...this.roster.list()]));
    this.renderEncryption();
  }

  private updateSubscription(): void {
    if (this.roster.selfId) this.links.receiver.update(this.roster.list().filter((p) => this.breakouts.sameRoom(p.id)));
  }

  // --- Breakout rooms (breakouts.ts) ---------------------------------------------

  private makeBreakouts(send: (message: ClientMessageInput) => void): MeetingBreakouts {
    const record = (id: ParticipantId) => (id === this.roster.selfId ? this.self() : this.roster.get(id));
    return new MeetingBreakouts(
      { send, content: this.content, e2ee: () => this.e2ee.session, selfId: () => this.roster.selfId, others: () => this.roster.list(), record },
      {
        changed: () => {
          this.renderParticipants();
          this.updateSubscription();
        },
        moved: () => this.links.moveRoom(), // the server moved this page's media to another room
        broadcast: (from, text) => this.view?.breakoutBroadcast(record(from)?.name ?? "", text),
        help: (from, room) => this.view?.breakoutHelp(record(from)?.name ?? "", room),
      },
    );
  }

  /** A peer connection that fails is rebuilt by reconnecting the whole session. */
  private watchConnection(pc: RTCPeerConnection): void {
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "failed" && !this.leaving) this.signaling.reconnect();
    });
  }

}
