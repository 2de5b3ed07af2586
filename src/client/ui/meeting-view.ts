/**
 * The meeting screen: the stage (stage.ts), the control bar
 * (control-bar.ts), the side panels (side-panels.ts), the connection status
 * and notices and, while a guest waits to be let in, the waiting room. It
 * implements MeetingView and asks the meeting for things through
 * MeetingControls (../view.ts).
 */
import type { ErrorCode, LobbyEntry, Participant, ParticipantId, Reaction, ServerMessageOf } from "../../protocol/messages.js";
import type { ChatLine, MeetingControls, MeetingStatus, MeetingView, RoomState } from "../view.js";
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
  private readonly notice: HTMLElement;
  private readonly sharingBar: HTMLElement;
  private readonly waitingRoom: WaitingRoom;
  private readonly encryptionBadge = new EncryptionBadge();
  private readonly safetyDialog = new SafetyCodeDialog();
  private readonly stage: Stage;
  private readonly bar: ControlBar;
  private readonly panels: SidePanels;
  private selfId: ParticipantId | undefined;
  private moderator = false;

  constructor(
    private readonly media: LocalMedia,
    private readonly meeting: MeetingControls,
    private readonly actions: MeetingActions,
  ) {
    this.statusLine = h("p", { class: "status", role: "status" });
    this.countLine = h("p", { class: "alone", role: "status" });
    this.soundButton = h("button", { type: "button", class: "sound", hidden: true, onclick: () => this.resumeAudio() }, t("enableSound"));
    this.notice = h("p", { class: "notice", role: "status", hidden: true });
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
        this.element.classList.toggle("with-side", open);
        this.relayout();
      },
      devicesChanged: () => {
        this.syncControls();
        void meeting.mediaChanged();
      },
      speaker: (deviceId) => this.stage.setSpeaker(deviceId),
      verify: (participant) => {
        const code = meeting.safetyCode(participant.id);
        if (code) void this.safetyDialog.open(participant.name, code, meeting.isVerified(participant.id), () => meeting.markVerified(participant.id));
      },
    });
    const help = new ShortcutHelp();
    this.bar = new ControlBar(
      {
        toggleAudio: actions.toggleAudio,
        toggleVideo: actions.toggleVideo,
        leave: actions.leave,
        toggleShare: () => this.toggleShare(),
        toggleSpeakerView: () => this.bar.speakerView(this.stage.toggleSpeakerView()),
        toggleHand: () => this.toggleHand(),
        react: (reaction) => meeting.react(reaction),
      },
      this.panels.toggles,
      help.button,
    );
    this.element.append(
      h("h1", { class: "visually-hidden" }, t("appName")),
      this.statusLine,
      this.notice,
      this.sharingBar,
      this.soundButton,
      this.waitingRoom.element,
      this.countLine,
      h("div", { class: "stage" }, this.stage.element, this.panels.element),
      this.bar.element,
      help.dialog,
      this.safetyDialog.dialog,
    );
    installShortcuts({
      toggleAudio: actions.toggleAudio,
      toggleVideo: actions.toggleVideo,
      toggleHand: () => this.toggleHand(),
      toggleChat: () => this.panels.show(this.panels.chat),
      help: () => help.open(),
    });
    this.syncControls();
    this.panels.showModeratorTools(false);
  }

  private moderationOf(id: ParticipantId) {
    return {
      mute: () => this.meeting.moderator.moderate(id, "mute-audio"),
      stopVideo: () => this.meeting.moderator.moderate(id, "stop-video"),
      remove: () => this.meeting.moderator.moderate(id, "remove"),
      promote: () => this.meeting.moderator.moderate(id, "make-moderator"),
      demote: () => this.meeting.moderator.moderate(id, "demote"),
      lowerHand: () => this.meeting.moderator.moderate(id, "lower-hand"),
    };
  }

  private toggleShare(): void {
    if (this.meeting.sharingScreen) this.meeting.stopScreenShare();
    else void this.meeting.startScreenShare();
  }

  private toggleHand(): void {
    this.meeting.raiseHand(!this.meeting.handRaised);
  }

  screenBusy(): void {
    this.showNotice(t("screenBusy"));
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    window.setTimeout(() => (this.notice.hidden = true), 6_000);
  }

  lobby(hostPresent: boolean): void {
    this.status("connected"); // the waiting room says what is going on
    this.element.classList.add("in-lobby");
    this.waitingRoom.waiting(hostPresent);
  }

  lobbyList(waiting: LobbyEntry[]): void {
    this.panels.lobbyList(waiting);
  }

  roomState(state: RoomState): void {
    this.panels.roomState(state);
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
    this.showNotice(t("mutedByModerator"));
  }

  syncControls(): void {
    this.bar.sync(this.media.audioOn, this.media.videoOn);
    this.stage.selfVideo(this.media.videoOn ? this.media.videoTrack : undefined);
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
    this.panels.participants(self, others);
    this.bar.update(self);
    this.sharingBar.hidden = !self.screen;
    this.stage.participants(self, others, this.media.videoTrack);
    const count = others.length + 1;
    this.countLine.textContent = count === 1 ? t("alone") : "";
    this.countLine.hidden = count !== 1;
    this.relayout();
  }

  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    this.stage.remoteTracks(tracks);
  }

  speaking(id: ParticipantId | undefined): void {
    this.stage.speaking(id);
  }

  joined(participant: Participant): void {
    announce(t("joinedAnnouncement", { name: participant.name }));
  }

  left(participant: Participant): void {
    announce(t("leftAnnouncement", { name: participant.name }));
  }

  relayout(): void {
    this.stage.relayout();
  }

  private resumeAudio(): void {
    this.soundButton.hidden = true;
    this.stage.resumeAudio();
  }
}
