/**
 * One participant's meeting, from "Join" to "Leave": signaling, the
 * publisher and subscriber peer connections, the list of participants, and
 * rejoining after a dropped connection or a reload. It drives a view and
 * contains no DOM code itself.
 */
import { CloseCode, PROTOCOL_VERSION } from "../protocol/constants.js";
import type {
  ErrorCode,
  IceCandidate,
  ModeratorAction,
  Participant,
  ParticipantId,
  Reaction,
  Role,
  RoomName,
  ServerMessageOf,
  VideoQuality,
} from "../protocol/messages.js";
import { SignalingClient } from "./signaling.js";
import { Publisher } from "./rtc/publisher.js";
import { Subscriber, type RemoteTracks } from "./rtc/subscriber.js";
import { QualityMeter } from "./rtc/quality.js";
import type { LocalMedia } from "./media.js";
import { forgetSession, moderatorKeyFor, passphraseFromLink, rememberModeratorKey, saveSession, savedSession } from "./storage.js";
import { forgetIdentity } from "./e2ee/kept-identity.js";
import { E2eeSession, REPEATED, e2eeSupported } from "./e2ee/session.js";
import type { ChatLine, MeetingView } from "./view.js";
import type { EncryptionMode } from "./ui/encryption.js";

/** Errors in reply to `join` that the person can do something about. */
const JOIN_PROBLEMS: readonly ErrorCode[] = ["password-required", "wrong-password", "too-many-attempts", "locked", "e2ee-required"];

const SPEAKING_THRESHOLD = 0.02;

interface PreparedPublisher {
  publisher: Publisher;
  offer: Promise<void>;
  /** Sends the candidates gathered so far, and from now on each as it comes. */
  goLive(): void;
}

export class Meeting {
  private readonly signaling: SignalingClient;
  private publisher: Publisher | undefined;
  private subscriber: Subscriber | undefined;
  private selfId: ParticipantId | undefined;
  private resumeToken: string | undefined;
  private readonly others = new Map<ParticipantId, Participant>();
  private iceServers: RTCIceServer[] = [];
  private speakingTimer: number | undefined;
  private leaving = false;
  /** Set by join(): until then the socket is open but nobody is in the room. */
  private name: string | undefined;
  /** The current connection's `welcome` arrived (it carries the ICE servers). */
  private welcomed = false;
  /** Camera and microphone are open (or failed to open): the publisher can be prepared. */
  private mediaReady = false;
  private prepared: PreparedPublisher | undefined;
  private retryTimer: number | undefined;
  private view: MeetingView | undefined;
  /** The publishing participants we last asked to receive, to skip needless updates. */
  private subscribedKey = "";
  /** Per remote camera: not at all (tile on another page) or at which layer. */
  private videoWishes: Record<ParticipantId, VideoQuality> = {};
  private role: Role = "participant";
  /** This participant's screen share while it runs. */
  private screenShare: { publisher: Publisher; stream: MediaStream } | undefined;
  private hand: number | null = null;
  private moderatorKey: string | undefined;
  /** The meeting password the person typed, sent with every join of this page. */
  private password: string | undefined;
  /** End-to-end encryption, once ready; none if this browser cannot do it or the server switched it off. */
  private e2ee: E2eeSession | undefined;
  private e2eeReady: Promise<E2eeSession | undefined>;
  /** Sealed chat messages are opened one after another, so they stay in order. */
  private chatQueue: Promise<void> = Promise.resolve();

  constructor(
    private readonly room: RoomName,
    private readonly media: LocalMedia,
  ) {
    this.resumeToken = savedSession(room)?.resumeToken;
    this.moderatorKey = moderatorKeyFor(room);
    this.signaling = new SignalingClient({
      open: () => {},
      close: (code, final) => {
        this.welcomed = false;
        window.clearTimeout(this.retryTimer);
        if (final) this.endEncryption();
        if (this.leaving || this.name === undefined) return;
        this.teardownMedia();
        this.view?.status(final ? (code === CloseCode.replaced ? "replaced" : "refused") : "reconnecting");
      },
    });
    // The identity key is made while the person is still on the pre-join screen.
    this.e2eeReady = e2eeSupported()
      ? E2eeSession.create(room, passphraseFromLink(), {
          sendKeys: (keyId, sealed) => this.signaling.send({ type: "e2eeKeys", keyId, sealed }),
          changed: () => this.renderEncryption(),
        }).catch((error: unknown) => {
          console.warn("treff: end-to-end encryption unavailable:", error);
          return undefined;
        })
      : Promise.resolve(undefined);
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
    this.name = name;
    this.view = view;
    view.status("connecting");
    if (this.welcomed) void this.sendJoin();
    this.speakingTimer = window.setInterval(() => void this.updateSpeaking(), 250);
    this.qualityTimer = window.setInterval(() => void this.updateQuality(), 2_000);
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
    this.teardownMedia();
    window.clearInterval(this.speakingTimer);
    window.clearInterval(this.qualityTimer);
    forgetSession(this.room);
    void forgetIdentity(this.room);
    this.endEncryption();
  }

  /** No keys outlive this person's part in the meeting. */
  private endEncryption(): void {
    void this.e2eeReady.then((e2ee) => e2ee?.close());
    this.e2eeReady = Promise.resolve(undefined);
    this.e2ee = undefined;
  }

  /** Tries the join again with the meeting password the person typed. */
  retryJoin(password: string): void {
    this.password = password;
    this.view?.status("connecting");
    if (this.welcomed) void this.sendJoin();
  }

  sendChat(text: string): void {
    const e2ee = this.e2ee;
    if (!e2ee) return this.signaling.send({ type: "chat", text });
    void e2ee.sealChat(text).then((sealed) => this.signaling.send({ type: "sealedChat", ...sealed }));
  }

  /** The safety code this person compares with participant `id` (undefined: they cannot encrypt). */
  safetyCode(id: ParticipantId): Promise<string> | undefined {
    return this.e2ee?.safetyCode(id);
  }

  requireE2ee(required: boolean): void {
    this.signaling.send({ type: "requireE2ee", required });
  }

  /** Whether this page encrypts end to end, or why not; undefined until the server's `welcome`. */
  get encryption(): EncryptionMode | undefined {
    if (this.e2ee) return "encrypting";
    if (!this.welcomed) return undefined;
    return e2eeSupported() ? "off" : "unsupported";
  }

  get sharingScreen(): boolean {
    return this.screenShare !== undefined;
  }

  /**
   * Shares a screen, window or tab — whatever the person picks in the
   * browser's own dialog. Resolves false if they cancelled.
   */
  async startScreenShare(): Promise<boolean> {
    if (this.screenShare || !navigator.mediaDevices?.getDisplayMedia) return false;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    } catch {
      return false; // cancelled or not allowed
    }
    const publisher = new Publisher(this.iceServers, stream, (candidate) => this.signaling.send({ type: "trickle", target: "screen", candidate }), "screen", this.e2ee);
    this.screenShare = { publisher, stream };
    // The browser's own "stop sharing" ends it too.
    stream.getVideoTracks()[0]?.addEventListener("ended", () => this.stopScreenShare());
    await publisher.createOffer();
    this.signaling.send({ type: "publishScreen", sdp: publisher.offerSdp() });
    this.renderParticipants();
    return true;
  }

  stopScreenShare(): void {
    if (!this.endScreenShare()) return;
    this.signaling.send({ type: "stopScreen" });
    this.renderParticipants();
  }

  /** Stops the capture and its peer connection; false if nothing was shared. */
  private endScreenShare(): boolean {
    const share = this.screenShare;
    if (!share) return false;
    this.screenShare = undefined;
    for (const track of share.stream.getTracks()) track.stop();
    share.publisher.close();
    return true;
  }

  get handRaised(): boolean {
    return this.hand !== null;
  }

  raiseHand(raised: boolean): void {
    this.signaling.send({ type: "raiseHand", raised });
  }

  react(reaction: Reaction): void {
    this.signaling.send({ type: "react", reaction });
  }

  // Moderator requests: the server checks the role; the UI offers them only to moderators.
  admit(who: ParticipantId[] | "all"): void {
    this.signaling.send({ type: "admit", participants: who });
  }

  refuse(id: ParticipantId): void {
    this.signaling.send({ type: "refuse", participant: id });
  }

  moderate(id: ParticipantId, action: ModeratorAction): void {
    this.signaling.send({ type: "moderate", participant: id, action });
  }

  lock(locked: boolean): void {
    this.signaling.send({ type: "lock", locked });
  }

  setPassword(password: string | null): void {
    this.signaling.send({ type: "setPassword", password });
  }

  endMeeting(): void {
    this.signaling.send({ type: "endMeeting" });
  }

  allowMultipleShares(allowed: boolean): void {
    this.signaling.send({ type: "allowMultipleShares", allowed });
  }

  get isModerator(): boolean {
    return this.role === "moderator";
  }

  /** The moderator link of this meeting, for moderators to hand on (the key travels in the fragment). */
  moderatorLink(): string | undefined {
    if (!this.moderatorKey) return undefined;
    // A passphrase in the address goes along, or the second moderator could not exchange keys with anyone.
    const passphrase = passphraseFromLink();
    return `${location.origin}/r/${this.room}#moderator=${this.moderatorKey}${passphrase ? `&passphrase=${encodeURIComponent(passphrase)}` : ""}`;
  }

  private setRole(role: Role, moderatorKey: string | undefined): void {
    this.role = role;
    if (moderatorKey) {
      this.moderatorKey = moderatorKey;
      rememberModeratorKey(this.room, moderatorKey);
    }
  }

  /** A moderator muted us or stopped our camera: do it here, so the person sees it on their own controls. */
  private async obeyModerator(action: "mute-audio" | "stop-video"): Promise<void> {
    if (action === "mute-audio") await this.media.setAudio(false);
    else await this.media.setVideo(false);
    await this.mediaChanged();
    this.view?.controlsChanged();
  }

  /** The local microphone or camera changed: tell the publisher and everyone else. */
  async mediaChanged(): Promise<void> {
    await this.publisher?.useTracks(this.media.audioTrack, this.media.videoTrack);
    this.signaling.send({ type: "mediaState", audio: this.media.audioOn, video: this.media.videoOn });
    this.renderParticipants();
  }

  private self(): Participant {
    return {
      id: this.selfId ?? "self",
      name: this.name ?? "",
      role: this.role,
      hand: this.hand,
      screen: this.screenShare !== undefined,
      audio: this.media.audioOn,
      video: this.media.videoOn,
      publishing: true,
      publicKey: this.e2ee?.publicKey ?? null,
    };
  }

  private async sendJoin(): Promise<void> {
    await this.e2eeReady;
    this.signaling.send({
      type: "join",
      version: PROTOCOL_VERSION,
      room: this.room,
      name: this.name ?? "",
      ...(this.resumeToken ? { resumeToken: this.resumeToken } : {}),
      ...(this.moderatorKey ? { moderatorKey: this.moderatorKey } : {}),
      ...(this.password !== undefined ? { password: this.password } : {}),
      ...(this.e2ee ? { publicKey: this.e2ee.publicKey } : {}),
    });
    // Publishing does not wait for `joined`: the server handles our messages in order.
    void this.startPublishing();
  }

  /**
   * A publisher peer connection with its offer, made ahead of time: on the
   * pre-join screen the offer is ready before the person clicks "Join", so
   * joining waits for no SDP work. Candidates wait until the offer has been sent.
   */
  private createPublisher(): PreparedPublisher {
    const buffered: (IceCandidate | null)[] = [];
    let live = false;
    const trickle = (candidate: IceCandidate | null) => this.signaling.send({ type: "trickle", target: "publisher", candidate });
    const publisher = new Publisher(
      this.iceServers,
      this.media.stream,
      (candidate) => {
        if (live) trickle(candidate);
        else buffered.push(candidate);
      },
      "camera",
      this.e2ee,
    );
    return {
      publisher,
      offer: publisher.createOffer(),
      goLive: () => {
        live = true;
        buffered.splice(0).forEach(trickle);
      },
    };
  }

  /** Prepares the publisher once camera/microphone are open and the server's `welcome` is in. */
  prepare(): void {
    this.mediaReady = true;
    this.prepareIfReady();
  }

  private prepareIfReady(): void {
    if (!this.mediaReady || !this.welcomed || this.name !== undefined) return;
    this.prepared ??= this.createPublisher();
    this.subscriber ??= this.createSubscriber();
  }

  private async startPublishing(): Promise<void> {
    const prepared = this.prepared ?? this.createPublisher();
    this.prepared = undefined;
    this.publisher?.close();
    const { publisher } = prepared;
    this.publisher = publisher;
    this.watchConnection(publisher.pc);
    // The person may have switched a device off or on since the offer was made.
    await publisher.useTracks(this.media.audioTrack, this.media.videoTrack);
    await prepared.offer;
    if (this.publisher !== publisher) return;
    this.signaling.send({ type: "publish", sdp: publisher.offerSdp() });
    prepared.goLive();
  }

  private registerHandlers(): void {
    const s = this.signaling;
    s.on("welcome", (m) => {
      this.iceServers = m.iceServers;
      this.resolveWelcome(m);
      void this.e2eeReady.then((e2ee) => {
        // The server may have switched end-to-end encryption off: then this page does not encrypt.
        if (!m.e2ee || this.leaving) e2ee?.close();
        this.e2ee = m.e2ee && !this.leaving ? e2ee : undefined;
        this.welcomed = true;
        if (this.name !== undefined && !this.leaving) void this.sendJoin();
        else this.prepareIfReady();
      });
    });
    s.on("joined", (m) => {
      this.selfId = m.participantId;
      this.resumeToken = m.resumeToken;
      this.hand = null;
      this.setRole(m.role, m.moderatorKey);
      saveSession(this.room, { name: this.name ?? "", resumeToken: m.resumeToken });
      this.others.clear();
      for (const p of m.participants) this.others.set(p.id, p);
      this.e2ee?.joined(m.participantId, m.participants);
      this.subscribedKey = "";
      this.view?.status("connected");
      this.signaling.send({ type: "mediaState", audio: this.media.audioOn, video: this.media.videoOn });
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("participantJoined", (m) => {
      this.others.set(m.participant.id, m.participant);
      this.e2ee?.participantJoined(m.participant);
      this.view?.joined(m.participant);
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("participantUpdated", (m) => {
      if (m.participant.id === this.selfId) {
        // Our own record changes only by the server's hand (a raised or lowered hand).
        this.hand = m.participant.hand;
        this.renderParticipants();
        return;
      }
      this.others.set(m.participant.id, m.participant);
      this.e2ee?.participantUpdated(m.participant);
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("participantLeft", (m) => {
      const participant = this.others.get(m.participantId);
      this.others.delete(m.participantId);
      this.e2ee?.participantLeft(m.participantId);
      if (participant) this.view?.left(participant);
      this.renderParticipants();
      this.updateSubscription();
    });
    s.on("publisherAnswer", (m) => void this.publisher?.acceptAnswer(m.sdp));
    s.on("screenAnswer", (m) => void this.screenShare?.publisher.acceptAnswer(m.sdp));
    s.on("subscriberOffer", (m) => void this.answerSubscriber(m.sdp, m.streams));
    s.on("lobby", (m) => this.view?.lobby(m.hostPresent));
    s.on("lobbyChanged", (m) => this.view?.lobbyList(m.waiting));
    s.on("roomState", (m) => this.view?.roomState(m));
    s.on("roleChanged", (m) => {
      this.setRole(m.role, m.moderatorKey);
      this.renderParticipants();
    });
    // A plain message on a page that encrypts: the server could have written it, so it says so.
    s.on("chat", (m) => this.showChat(async () => ({ ...m, unsealed: this.e2ee !== undefined })));
    s.on("sealedChat", (m) => {
      const { from, name, at } = m;
      this.showChat(async () => {
        const text = await this.e2ee?.openChat(from, m.keyId, m.sealed);
        return text === REPEATED ? undefined : { from, name, at, text: text ?? null, unsealed: false };
      });
    });
    s.on("e2eeKey", (m) => this.e2ee?.receiveKey(m.from, m.keyId, m.sealed));
    s.on("reaction", (m) => {
      const from = m.from === this.selfId ? this.self() : this.others.get(m.from);
      if (from) this.view?.reaction(from, m.reaction);
    });
    s.on("moderated", (m) => void this.obeyModerator(m.action));
    s.on("farewell", (m) => {
      this.finish();
      this.view?.farewell(m.reason);
    });
    s.on("error", (m) => {
      console.warn(`treff: ${m.code}: ${m.message}`);
      if (m.inReplyTo === "publishScreen") {
        this.stopScreenShare();
        if (m.code === "screen-busy") this.view?.screenBusy();
        return;
      }
      if (m.inReplyTo === "join" && JOIN_PROBLEMS.includes(m.code)) {
        this.teardownMedia();
        this.view?.joinProblem(m.code);
        return;
      }
      // The media server may be restarting: try the whole join again shortly.
      if (m.inReplyTo === "join" && (m.code === "media-unavailable" || m.code === "internal")) {
        this.retryTimer = window.setTimeout(() => this.signaling.reconnect(), 1_000);
      }
    });
  }

  /** Chat messages reach the view in the order they came, sealed ones once opened; `undefined`: nothing to show. */
  private showChat(open: () => Promise<ChatLine | undefined>): void {
    const next = this.chatQueue.then(open);
    this.chatQueue = next.then(
      (line) => line && this.view?.chat(line),
      () => {},
    );
  }

  /** After every participants update too: new tiles get their marks from it. */
  private renderEncryption(): void {
    const e2ee = this.e2ee;
    this.view?.encryption(new Map(e2ee ? [...this.others.keys()].map((id) => [id, e2ee.stateOf(id)]) : []));
  }

  private renderParticipants(): void {
    this.view?.participants(this.self(), [...this.others.values()]);
    this.renderEncryption();
  }

  /** The view says which cameras it shows, at which size (see ui/layout.ts). */
  wantVideo(video: Record<ParticipantId, VideoQuality>): void {
    this.videoWishes = video;
    this.updateSubscription();
  }

  private updateSubscription(): void {
    if (!this.selfId) return;
    const others = [...this.others.values()];
    const wanted = others.filter((p) => p.publishing).map((p) => p.id);
    const screens = others.filter((p) => p.screen).map((p) => p.id);
    const video = Object.fromEntries(wanted.map((id) => [id, this.videoWishes[id] ?? "high"]));
    const key = JSON.stringify([wanted, screens, video]);
    if (key === this.subscribedKey) return;
    this.subscribedKey = key;
    this.signaling.send({ type: "subscribe", participants: wanted, screens, video });
  }

  private createSubscriber(): Subscriber {
    const subscriber = new Subscriber(
      this.iceServers,
      (candidate) => this.signaling.send({ type: "trickle", target: "subscriber", candidate }),
      (tracks) => this.showRemoteTracks(tracks),
      this.e2ee,
    );
    this.watchConnection(subscriber.pc);
    return subscriber;
  }

  private async answerSubscriber(sdp: string, streams: Parameters<Subscriber["handleOffer"]>[1]): Promise<void> {
    this.subscriber ??= this.createSubscriber();
    await this.subscriber.handleOffer(sdp, streams, (answer) => this.signaling.send({ type: "subscriberAnswer", sdp: answer }));
  }

  /** A peer connection that fails is rebuilt by reconnecting the whole session. */
  private watchConnection(pc: RTCPeerConnection): void {
    pc.addEventListener("connectionstatechange", () => {
      if (pc.connectionState === "failed" && !this.leaving) this.signaling.reconnect();
    });
  }

  private teardownMedia(): void {
    this.endScreenShare();
    this.publisher?.close();
    this.publisher = undefined;
    this.prepared?.publisher.close();
    this.prepared = undefined;
    this.subscriber?.close();
    this.subscriber = undefined;
    this.subscribedKey = "";
    this.showRemoteTracks(new Map());
  }

  private async updateQuality(): Promise<void> {
    const pc = this.subscriber?.pc;
    if (!pc || pc.connectionState !== "connected") return;
    this.view?.quality(await this.qualityMeter.sample(pc, this.videoOwners));
  }

  private async updateSpeaking(): Promise<void> {
    let loudest: ParticipantId | undefined;
    let level = SPEAKING_THRESHOLD;
    for (const receiver of this.subscriber?.audioReceivers() ?? []) {
      for (const source of receiver.getSynchronizationSources()) {
        if ((source.audioLevel ?? 0) > level) {
          level = source.audioLevel ?? 0;
          loudest = this.participantOfTrack(receiver.track);
        }
      }
    }
    if (this.media.audioOn && this.publisher) {
      const own = await this.publisher.localAudioLevel().catch(() => 0);
      if (own > level) loudest = this.selfId;
    }
    this.view?.speaking(loudest);
  }

  /** Audio track id → participant, for the speaking indicator. */
  private readonly trackOwners = new Map<string, ParticipantId>();
  /** Video track id → participant, for the connection quality. */
  private readonly videoOwners = new Map<string, ParticipantId>();
  private readonly qualityMeter = new QualityMeter();
  private qualityTimer: number | undefined;

  private participantOfTrack(track: MediaStreamTrack): ParticipantId | undefined {
    return this.trackOwners.get(track.id);
  }

  private showRemoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    this.trackOwners.clear();
    this.videoOwners.clear();
    for (const [id, t] of tracks) {
      if (t.audio) this.trackOwners.set(t.audio.id, id);
      if (t.video) this.videoOwners.set(t.video.id, id);
    }
    this.view?.remoteTracks(tracks);
  }
}
