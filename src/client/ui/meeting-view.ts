/**
 * The meeting screen: the stage (stage.ts), the bar (control-bar.ts) with
 * its More menu (more-menu.ts), the side panels (side-panels.ts), the
 * connection status, notices (toasts.ts) and, while a guest waits to be let
 * in, the waiting room. It implements MeetingView and asks the meeting for
 * things through MeetingControls (../view.ts). docs/ui.md shows the layout.
 */
import type { ErrorCode, LobbyEntry, NewcomerDefaults, Participant, ParticipantId, Reaction, ServerMessageOf } from "../../protocol/messages.js";
import type { BreakoutInfo, ChatLine, MeetingControls, MeetingStatus, MeetingView, RoomState } from "../view.js";
import type { PeerState } from "../e2ee/session.js";
import type { RemoteTracks } from "../rtc/subscriber.js";
import type { Quality } from "../rtc/quality.js";
import type { LocalMedia } from "../media.js";
import { t } from "../i18n/index.js";
import { announce, h } from "./dom.js";
import { EncryptionBadge, SafetyCodeDialog } from "./encryption.js";
import { WaitingRoom } from "./waiting-room.js";
import { ShortcutHelp, installShortcuts } from "./shortcuts.js";
import { REACTION_SYMBOLS, reactionName } from "./reactions.js";
import { Stage } from "./stage.js";
import { ControlBar } from "./control-bar.js";
import { SidePanels } from "./side-panels.js";
import { MoreMenu, type MenuItem } from "./more-menu.js";
import { Toasts } from "./toasts.js";
import { newlyWaiting, participantNotices } from "./notices.js";
import { playKnock } from "./knock-sound.js";
import { canShareScreen } from "../meeting/screen-share.js";
import { language } from "../i18n/index.js";
import { CollabScreen } from "./collab-view.js";
import { BreakoutScreen } from "./breakout-screen.js";
import { RecordingScreen } from "./recording-view.js";

export interface MeetingActions {
  toggleAudio(): void;
  toggleVideo(): void;
  leave(): void;
  /** The server ended this person's part in the meeting (refused, removed, ended). */
  farewell(reason: ServerMessageOf<"farewell">["reason"]): void;
}

export class MeetingScreen implements MeetingView {
  readonly element: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly countLine: HTMLElement;
  private readonly soundButton: HTMLButtonElement;
  private readonly toasts = new Toasts();
  private readonly more = new MoreMenu();
  private readonly moderatorItems: MenuItem[];
  private readonly lobbyItem: MenuItem;
  private readonly viewItem: MenuItem;
  /** The others as last drawn, and who waited in the lobby: what changed makes the notices. */
  private lastOthers: Participant[] | undefined;
  private lastWaiting: LobbyEntry[] = [];
  private readonly sharingBar: HTMLElement;
  private readonly waitingRoom: WaitingRoom;
  private readonly encryptionBadge = new EncryptionBadge();
  private readonly safetyDialog = new SafetyCodeDialog();
  private readonly stage: Stage;
  private readonly bar: ControlBar;
  private readonly panels: SidePanels;
  private selfId: ParticipantId | undefined;
  private moderator = false;
  /** Whiteboard, shared notes, presentation (collab-view.ts). */
  private readonly collab: CollabScreen;
  /** Breakout rooms (breakout-screen.ts). */
  private readonly breakoutScreen: BreakoutScreen;
  /** Recording with consent (recording-view.ts, issue 16). */
  private readonly recordingScreen: RecordingScreen;

  constructor(
    private readonly media: LocalMedia,
    private readonly meeting: MeetingControls,
    private readonly actions: MeetingActions,
  ) {
    this.statusLine = h("p", { class: "status", role: "status" });
    this.countLine = h("p", { class: "alone", role: "status" });
    this.soundButton = h("button", { type: "button", class: "sound", hidden: true, onclick: () => this.resumeAudio() }, t("enableSound"));
    this.sharingBar = h(
      "div",
      { class: "sharing", role: "status", hidden: true },
      h("span", {}, t("youAreSharing")),
      h("button", { type: "button", class: "danger", onclick: () => this.toggleShare() }, t("stopSharing")),
    );
    this.waitingRoom = new WaitingRoom(media.stream, (password) => meeting.retryJoin(password));
    this.element = h("main", { class: "meeting" });
    this.stage = new Stage(
      {
        wantVideo: (video) => meeting.wantVideo(video),
        audioBlocked: () => (this.soundButton.hidden = false),
        moderation: (participant) => (this.moderator ? this.moderationOf(participant.id) : undefined),
      },
      this.element,
    );
    this.stage.element.prepend(this.encryptionBadge.element, this.encryptionBadge.alert);
    this.panels = new SidePanels(media, meeting, {
      opened: (open) => {
        // The open lobby lists every knock with its buttons: notices over it would only hide them (on a phone, literally).
        if (this.panels.lobby.open) for (const entry of this.lastWaiting) this.toasts.dismiss(`knock-${entry.id}`);
        this.element.classList.toggle("with-side", open);
        this.relayout();
      },
      devicesChanged: () => {
        this.syncControls();
        void meeting.mediaChanged();
      },
      speaker: (deviceId) => this.stage.setSpeaker(deviceId),
      verify: (participant) => {
        const { verification } = meeting;
        const code = verification.safetyCode(participant.id);
        if (code) void this.safetyDialog.open(participant.name, code, verification.isVerified(participant.id), () => verification.markVerified(participant.id));
      },
    });
    const help = new ShortcutHelp();
    // The More menu, by purpose; the bar never changes when an entry is added.
    this.lobbyItem = this.more.add("moderation", t("lobbyTitle"), () => this.panels.show(this.panels.lobby));
    this.moderatorItems = [
      this.lobbyItem,
      this.more.add("moderation", t("settings"), () => this.panels.show(this.panels.settings)),
      // Moderator tools (issue 13): everyone but oneself.
      this.more.add("moderation", t("muteEveryoneElse"), () => this.moderateAll("mute-audio", "mutedEveryoneElse")),
      this.more.add("moderation", t("lowerAllHands"), () => this.moderateAll("lower-hands", "loweredAllHands")),
      this.more.add("moderation", t("askEveryoneToUnmute"), () => this.moderateAll("ask-unmute", "askedEveryoneToUnmute")),
      this.more.add("moderation", t("breakoutRooms"), () => this.panels.show(this.panels.breakout)),
    ];
    this.breakoutScreen = new BreakoutScreen(meeting.breakouts, { panels: this.panels, more: this.more, toasts: this.toasts });
    this.recordingScreen = new RecordingScreen({
      recording: meeting.recording,
      toasts: this.toasts,
      more: this.more,
      stage: () => this.stage.element,
      selfId: () => this.selfId,
      selfAudio: () => (media.audioOn ? media.audioTrack : undefined),
      noticeBeforeJoining: (recording) => this.waitingRoom.recordingNotice(recording),
    });
    this.moderatorItems.push(this.recordingScreen.item);
    for (const item of this.moderatorItems) item.setHidden(true);
    this.more.add("tools", t("polls"), () => this.panels.open(this.panels.polls));
    // A poll someone else started: a notice that opens the panel, unless it is open already.
    meeting.polls.onChange((reason, poll) => {
      if (poll.answered || poll.closed) this.toasts.dismiss(`poll-${poll.spec.id}`);
      if (reason !== "opened" || this.panels.polls.open) return;
      this.toasts.show(t("pollToast", { question: poll.spec.question }), {
        key: `poll-${poll.spec.id}`,
        ms: 15_000,
        actions: [{ label: t("pollAnswerNow"), primary: true, run: () => this.panels.open(this.panels.polls) }],
      });
    });
    this.viewItem = this.more.add("view", t("speakerView"), () => this.toggleSpeakerView());
    this.collab = new CollabScreen(meeting.collab, { stage: this.stage, panels: this.panels, more: this.more, toasts: this.toasts });
    this.more.add("settings", t("devices"), () => this.panels.show(this.panels.devices));
    this.more.add("help", t("shortcuts"), () => help.open());
    this.more.add("help", t("privacy"), { href: `/privacy?lang=${language()}` });
    this.more.add("help", t("checkConnection"), { href: "/check" });
    this.bar = new ControlBar(
      {
        toggleAudio: actions.toggleAudio,
        toggleVideo: actions.toggleVideo,
        leave: actions.leave,
        toggleShare: canShareScreen() ? () => this.toggleShare() : undefined,
        toggleHand: () => this.toggleHand(),
        react: (reaction) => meeting.react(reaction),
      },
      this.more,
      [this.panels.chatButton, this.panels.peopleButton],
    );
    this.element.append(
      h("h1", { class: "visually-hidden" }, t("appName")),
      this.statusLine,
      this.sharingBar,
      this.recordingScreen.indicator,
      this.breakoutScreen.bar.element,
      this.soundButton,
      this.waitingRoom.element,
      this.countLine,
      h("div", { class: "stage" }, this.stage.element, this.panels.element, this.toasts.element),
      this.bar.element,
      ...this.bar.dialogs,
      help.dialog,
      this.safetyDialog.dialog,
      this.recordingScreen.dialog,
    );
    installShortcuts({
      toggleAudio: actions.toggleAudio,
      toggleVideo: actions.toggleVideo,
      toggleHand: () => this.toggleHand(),
      toggleChat: () => this.panels.show(this.panels.chat),
      help: () => help.open(),
    });
    this.syncControls();
  }

  private toggleSpeakerView(): void {
    this.stage.toggleSpeakerView();
    this.viewItem.setLabel(t(this.stage.speakerView ? "gridView" : "speakerView"));
  }

  private moderationOf(id: ParticipantId) {
    return {
      mute: () => this.meeting.moderator.moderate(id, "mute-audio"),
      stopVideo: () => this.meeting.moderator.moderate(id, "stop-video"),
      remove: () => this.meeting.moderator.moderate(id, "remove"),
      promote: () => this.meeting.moderator.moderate(id, "make-moderator"),
      demote: () => this.meeting.moderator.moderate(id, "demote"),
      lowerHand: () => this.meeting.moderator.moderate(id, "lower-hand"),
      stopScreen: () => this.meeting.moderator.moderate(id, "stop-screen"),
    };
  }

  private moderateAll(action: "mute-audio" | "lower-hands" | "ask-unmute", done: "mutedEveryoneElse" | "loweredAllHands" | "askedEveryoneToUnmute"): void {
    this.meeting.moderator.moderateAll(action);
    this.toasts.show(t(done));
  }

  moderatorNotice(kind: "stop-screen" | "ask-unmute" | "start-muted"): void {
    if (kind === "stop-screen") return this.toasts.show(t("screenStoppedByModerator"));
    if (kind === "start-muted") {
      this.syncControls();
      return this.toasts.show(t("startedMuted"), { ms: 10_000 });
    }
    // A request, never forced: the person's own click turns the microphone on.
    if (this.media.audioOn) return;
    this.toasts.show(t("askedToUnmute"), {
      key: "ask-unmute",
      ms: 15_000,
      actions: [{ label: t("unmuteNow"), primary: true, run: () => !this.media.audioOn && this.actions.toggleAudio() }],
    });
  }

  newcomerDefaults(defaults: NewcomerDefaults): void {
    this.panels.newcomerDefaults(defaults);
  }

  lobbyMessage(text: string): void {
    this.waitingRoom.message(text);
  }

  private toggleShare(): void {
    if (this.meeting.sharingScreen) this.meeting.stopScreenShare();
    else void this.meeting.startScreenShare();
  }

  private toggleHand(): void {
    this.meeting.raiseHand(!this.meeting.handRaised);
  }

  screenBusy(): void {
    this.toasts.show(t("screenBusy"));
  }

  lobby(hostPresent: boolean): void {
    this.status("connected"); // the waiting room says what is going on
    this.element.classList.add("in-lobby");
    this.waitingRoom.waiting(hostPresent);
  }

  /** For moderators: a notice with "Let in" and "Turn away" for each knock, and the count on More. */
  lobbyList(waiting: LobbyEntry[]): void {
    this.panels.lobbyList(waiting);
    const knocking = newlyWaiting(this.lastWaiting, waiting);
    if (knocking.length) playKnock();
    for (const entry of this.panels.lobby.open ? [] : knocking) {
      this.toasts.show(t("knockToast", { name: entry.name }), {
        key: `knock-${entry.id}`,
        ms: 15_000,
        actions: [
          { label: t("admitShort"), primary: true, run: () => this.meeting.moderator.admit([entry.id]) },
          { label: t("refuseShort"), run: () => this.meeting.moderator.refuse(entry.id) },
          ...(waiting.length > 1 ? [{ label: t("admitAll"), run: () => this.meeting.moderator.admit("all") }] : []),
        ],
      });
    }
    const still = new Set(waiting.map((entry) => entry.id));
    for (const gone of this.lastWaiting.filter((entry) => !still.has(entry.id))) this.toasts.dismiss(`knock-${gone.id}`);
    this.lastWaiting = waiting;
    this.lobbyItem.setLabel(waiting.length ? t("waitingCount", { count: waiting.length }) : t("lobbyTitle"));
    this.more.attention(waiting.length);
  }

  roomState(state: RoomState): void {
    this.panels.roomState(state);
  }

  // --- Breakout rooms (breakout-screen.ts) ---------------------------------------

  breakouts(info: BreakoutInfo | undefined): void {
    this.breakoutScreen.update(info, this.selfId, this.moderator);
  }

  breakoutBroadcast(from: string, text: string): void {
    this.breakoutScreen.broadcast(from, text);
  }

  breakoutHelp(from: string, room: string): void {
    this.breakoutScreen.help(from, room);
  }

  encryption(states: Map<ParticipantId, PeerState>): void {
    const mode = this.meeting.encryption;
    this.encryptionBadge.update(mode, states, (id) => this.stage.names.get(id) ?? "");
    this.panels.encryption(mode === "encrypting" ? states : undefined);
    this.stage.encryption(states);
  }

  chat(message: ChatLine): void {
    this.panels.chatMessage(message, message.from === this.selfId);
  }

  quality(ratings: Map<ParticipantId, Quality>): void {
    this.stage.quality(ratings);
  }

  reaction(from: Participant, reaction: Reaction): void {
    this.stage.reaction(from.id, REACTION_SYMBOLS[reaction]);
    announce(t("reactedAnnouncement", { name: from.name, reaction: reactionName(reaction) }));
  }

  joinProblem(code: ErrorCode): void {
    this.status("connected");
    this.element.classList.add("in-lobby");
    this.waitingRoom.problem(code);
  }

  farewell(reason: ServerMessageOf<"farewell">["reason"]): void {
    this.actions.farewell(reason);
  }

  controlsChanged(): void {
    this.syncControls();
    this.toasts.show(t("mutedByModerator"));
  }

  syncControls(): void {
    this.bar.sync(this.media.audioOn, this.media.videoOn);
    this.stage.selfVideo(this.media.videoOn ? this.media.videoTrack : undefined);
    this.waitingRoom.refreshPreview();
  }

  status(status: MeetingStatus): void {
    const texts: Partial<Record<MeetingStatus, string>> = {
      connecting: t("connecting"),
      reconnecting: t("reconnecting"),
      replaced: t("replacedElsewhere"),
      refused: t("connectionRefused"),
    };
    const text = texts[status] ?? "";
    this.statusLine.textContent = text;
    this.statusLine.hidden = !text;
  }

  participants(self: Participant, others: Participant[]): void {
    this.element.classList.remove("in-lobby");
    this.waitingRoom.hide();
    this.selfId = self.id;
    this.moderator = self.role === "moderator";
    this.panels.showModeratorTools(this.moderator);
    for (const item of this.moderatorItems) item.setHidden(!this.moderator);
    for (const notice of participantNotices(this.lastOthers, others)) {
      this.toasts.show(t(notice.kind === "hand" ? "handToast" : "shareToast", { name: notice.name }));
    }
    this.lastOthers = others;
    this.panels.participants(self, others);
    this.bar.update(self);
    this.sharingBar.hidden = !self.screen;
    this.stage.participants(self, others, this.media.videoTrack);
    this.collab.participants(self, others);
    const count = others.length + 1;
    this.countLine.textContent = count === 1 ? t("alone") : "";
    this.countLine.hidden = count !== 1;
    this.relayout();
    this.viewItem.setLabel(t(this.stage.speakerView ? "gridView" : "speakerView"));
  }

  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    this.stage.remoteTracks(tracks);
    this.recordingScreen.remoteTracks(tracks);
  }

  speaking(id: ParticipantId | undefined): void {
    this.stage.speaking(id);
  }

  joined(participant: Participant): void {
    announce(t("joinedAnnouncement", { name: participant.name }));
  }

  left(participant: Participant): void {
    announce(t("leftAnnouncement", { name: participant.name }));
    this.meeting.recording.left(participant.id);
  }

  relayout(): void {
    this.stage.relayout();
  }

  private resumeAudio(): void {
    this.soundButton.hidden = true;
    this.stage.resumeAudio();
  }
}
