/**
 * The meeting screen: a grid of tiles sized so every tile is on screen,
 * the control bar, the connection status, the side panels (chat; for
 * moderators the lobby and the meeting settings) and, while a guest waits
 * to be let in, the waiting room.
 */
import type { ErrorCode, LobbyEntry, Participant, ParticipantId, Reaction, ServerMessageOf, VideoQuality } from "../../protocol/messages.js";
import { layersFor, pageOf, planGrid } from "./layout.js";
import type { Meeting } from "../meeting.js";
import type { ChatLine, MeetingStatus, MeetingView, RoomState } from "../view.js";
import type { PeerState } from "../e2ee/session.js";
import { EncryptionBadge, SafetyCodeDialog } from "./encryption.js";
import type { RemoteTracks } from "../rtc/subscriber.js";
import type { Quality } from "../rtc/quality.js";
import type { LocalMedia } from "../media.js";
import { t } from "../i18n/index.js";
import { announce, h, icon } from "./dom.js";
import { cameraToggle, microphoneToggle } from "./controls.js";
import { Tile } from "./tile.js";
import { WaitingRoom } from "./waiting-room.js";
import { LobbyPanel } from "./lobby-panel.js";
import { ChatPanel } from "./chat-panel.js";
import { SettingsPanel } from "./settings-panel.js";
import { PeoplePanel } from "./people-panel.js";
import { DevicePicker } from "./device-picker.js";
import { languageSwitch } from "./language-switch.js";
import { ShortcutHelp, installShortcuts } from "./shortcuts.js";

/** How each reaction looks on a tile. */
export const REACTION_SYMBOLS: Record<Reaction, string> = {
  "thumbs-up": "👍",
  clap: "👏",
  laugh: "😂",
  heart: "❤️",
  surprised: "😮",
};

export interface MeetingActions {
  toggleAudio(): void;
  toggleVideo(): void;
  leave(): void;
  /** The server ended this person's part in the meeting (refused, removed, ended). */
  farewell(reason: ServerMessageOf<"farewell">["reason"]): void;
}

/** A bar button that shows or hides one side panel. */
class PanelToggle {
  readonly button: HTMLButtonElement;

  constructor(
    readonly panel: HTMLElement,
    label: string,
    onClick: () => void,
  ) {
    panel.id ||= `panel-${Math.random().toString(36).slice(2, 8)}`;
    this.button = h("button", { type: "button", class: "panel-toggle", "aria-controls": panel.id, "aria-expanded": "false", onclick: onClick }, label);
  }

  set open(open: boolean) {
    this.panel.hidden = !open;
    this.button.setAttribute("aria-expanded", String(open));
  }

  get open(): boolean {
    return !this.panel.hidden;
  }
}

export class MeetingScreen implements MeetingView {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly statusLine: HTMLElement;
  private readonly countLine: HTMLElement;
  private readonly soundButton: HTMLButtonElement;
  private readonly micToggle;
  private readonly camToggle;
  private readonly tiles = new Map<ParticipantId, Tile>();
  private selfTile: Tile | undefined;
  private selfId: ParticipantId | undefined;
  private readonly waitingRoom: WaitingRoom;
  private readonly lobbyPanel: LobbyPanel;
  private readonly chatPanel: ChatPanel;
  private readonly settingsPanel: SettingsPanel;
  private readonly toggles: PanelToggle[];
  private readonly lobbyToggle: PanelToggle;
  private readonly settingsToggle: PanelToggle;
  private readonly notice: HTMLElement;
  private readonly peoplePanel: PeoplePanel;
  private readonly encryptionBadge = new EncryptionBadge();
  private readonly safetyDialog = new SafetyCodeDialog();
  private readonly devicePicker: DevicePicker;
  private speaker: string | undefined;
  private readonly chatToggle: PanelToggle;
  private readonly peopleToggle: PanelToggle;
  private readonly handButton: HTMLButtonElement;
  private readonly shareButton: HTMLButtonElement;
  private readonly sharingBar: HTMLElement;
  private readonly screens: HTMLElement;
  private readonly screenTiles = new Map<ParticipantId, { element: HTMLElement; video: HTMLVideoElement; track: MediaStreamTrack }>();
  private names = new Map<ParticipantId, string>();
  private unread = 0;
  /** The page of tiles on screen (0-based). */
  private page = 0;
  private speakerView = false;
  private spotlightId: ParticipantId | undefined;
  private spotlightSince = 0;
  private readonly spotlight: HTMLElement;
  private readonly viewButton: HTMLButtonElement;
  private readonly pager: HTMLElement;
  private readonly pageLabel: HTMLElement;
  private readonly previousPage: HTMLButtonElement;
  private readonly nextPage: HTMLButtonElement;

  constructor(
    private readonly media: LocalMedia,
    private readonly meeting: Meeting,
    private readonly actions: MeetingActions,
  ) {
    this.micToggle = microphoneToggle(actions.toggleAudio);
    this.camToggle = cameraToggle(actions.toggleVideo);
    this.grid = h("section", { class: "grid", "aria-label": t("videoGrid") });
    this.statusLine = h("p", { class: "status", role: "status" });
    this.countLine = h("p", { class: "alone", role: "status" });
    this.soundButton = h("button", { type: "button", class: "sound", hidden: true, onclick: () => this.resumeAudio() }, t("enableSound"));
    const leave = h("button", { type: "button", class: "control leave", "aria-label": t("leave"), title: t("leave"), onclick: actions.leave }, icon("leave"));
    this.waitingRoom = new WaitingRoom(media.stream, (password) => meeting.retryJoin(password));
    this.lobbyPanel = new LobbyPanel({ admit: (who) => meeting.admit(who), refuse: (id) => meeting.refuse(id) });
    this.chatPanel = new ChatPanel((text) => meeting.sendChat(text));
    this.peoplePanel = new PeoplePanel((participant) => {
      const code = meeting.safetyCode(participant.id);
      if (code) void this.safetyDialog.open(participant.name, code);
    });
    this.settingsPanel = new SettingsPanel({
      lock: (locked) => meeting.lock(locked),
      setPassword: (password) => meeting.setPassword(password),
      endMeeting: () => meeting.endMeeting(),
      allowMultipleShares: (allowed) => meeting.allowMultipleShares(allowed),
      requireE2ee: (required) => meeting.requireE2ee(required),
      encrypting: () => meeting.encryption === "encrypting",
      moderatorLink: () => meeting.moderatorLink(),
    });
    const chatToggle = new PanelToggle(this.chatPanel.element, t("chat"), () => this.showPanel(chatToggle));
    this.chatToggle = chatToggle;
    const peopleToggle = new PanelToggle(this.peoplePanel.element, t("people"), () => this.showPanel(peopleToggle));
    this.devicePicker = new DevicePicker(
      media,
      () => {
        this.syncControls();
        void meeting.mediaChanged();
      },
      (deviceId) => this.setSpeaker(deviceId),
      "meeting",
    );
    // Every text on this screen was drawn in one language: switching reloads the page, which
    // comes straight back into the meeting as the same person (resume token).
    const devicesPanel = h(
      "section",
      { class: "devices-panel", "aria-label": t("devices") },
      h("h2", {}, t("devices")),
      this.devicePicker.element,
      languageSwitch(() => location.reload(), "meeting-language"),
    );
    const devicesToggle = new PanelToggle(devicesPanel, t("devices"), () => {
      this.showPanel(devicesToggle);
      if (devicesToggle.open) void this.devicePicker.refresh();
      else this.devicePicker.stop();
    });
    this.peopleToggle = peopleToggle;
    this.lobbyToggle = new PanelToggle(this.lobbyPanel.element, t("lobbyTitle"), () => this.showPanel(this.lobbyToggle));
    this.settingsToggle = new PanelToggle(this.settingsPanel.element, t("settings"), () => this.showPanel(this.settingsToggle));
    this.toggles = [chatToggle, peopleToggle, devicesToggle, this.lobbyToggle, this.settingsToggle];
    this.handButton = h("button", { type: "button", class: "panel-toggle", "aria-pressed": "false", onclick: () => this.toggleHand() }, t("raiseHand"));
    const reactions = h(
      "details",
      { class: "reactions" },
      h("summary", {}, t("reactions")),
      h(
        "div",
        { class: "menu" },
        ...Object.entries(REACTION_SYMBOLS).map(([reaction, symbol]) =>
          h(
            "button",
            { type: "button", "aria-label": t(`reaction.${reaction}` as "reaction.clap"), title: t(`reaction.${reaction}` as "reaction.clap"), onclick: () => meeting.react(reaction as Reaction) },
            symbol,
          ),
        ),
      ),
    );
    const help = new ShortcutHelp();
    this.shareButton = h("button", { type: "button", class: "panel-toggle", "aria-pressed": "false", onclick: () => this.toggleShare() }, t("shareScreen"));
    this.sharingBar = h(
      "div",
      { class: "sharing", role: "status", hidden: true },
      h("span", {}, t("youAreSharing")),
      h("button", { type: "button", class: "danger", onclick: () => this.toggleShare() }, t("stopSharing")),
    );
    this.screens = h("section", { class: "screens", "aria-label": t("shareScreen"), hidden: true });
    this.previousPage = h("button", { type: "button", onclick: () => this.turnPage(-1) }, t("previousPage"));
    this.nextPage = h("button", { type: "button", onclick: () => this.turnPage(1) }, t("nextPage"));
    this.pageLabel = h("span", { role: "status" });
    this.pager = h("nav", { class: "pager", "aria-label": t("pages"), hidden: true }, this.previousPage, this.pageLabel, this.nextPage);
    this.spotlight = h("section", { class: "spotlight", "aria-label": t("speakerView"), hidden: true });
    this.viewButton = h("button", { type: "button", class: "panel-toggle", "aria-pressed": "false", onclick: () => this.toggleSpeakerView() }, t("speakerView"));
    for (const toggle of this.toggles) toggle.open = false;
    this.notice = h("p", { class: "notice", role: "status", hidden: true });
    this.element = h(
      "main",
      { class: "meeting" },
      h("h1", { class: "visually-hidden" }, t("appName")),
      this.statusLine,
      this.notice,
      this.sharingBar,
      this.soundButton,
      this.waitingRoom.element,
      this.countLine,
      h("div", { class: "stage" }, h("div", { class: "main" }, this.encryptionBadge.element, this.screens, this.spotlight, this.grid, this.pager), h("aside", { class: "side" }, ...this.toggles.map((p) => p.panel))),
      h(
        "div",
        { class: "bar", role: "toolbar", "aria-label": t("meetingControls") },
        this.micToggle.element,
        this.camToggle.element,
        leave,
        h("div", { class: "panel-toggles" }, this.shareButton, this.viewButton, this.handButton, reactions, ...this.toggles.map((p) => p.button), help.button),
      ),
      help.dialog,
      this.safetyDialog.dialog,
    );
    installShortcuts({
      toggleAudio: actions.toggleAudio,
      toggleVideo: actions.toggleVideo,
      toggleHand: () => this.toggleHand(),
      toggleChat: () => this.showPanel(chatToggle),
      help: () => help.open(),
    });
    this.syncControls();
    this.showModeratorTools(false);
  }

  private setSpeaker(deviceId: string): void {
    this.speaker = deviceId;
    for (const tile of this.tiles.values()) tile.setSpeaker(deviceId);
  }

  private toggleShare(): void {
    if (this.meeting.sharingScreen) this.meeting.stopScreenShare();
    else void this.meeting.startScreenShare();
  }

  screenBusy(): void {
    this.showNotice(t("screenBusy"));
  }

  private showNotice(text: string): void {
    this.notice.textContent = text;
    this.notice.hidden = false;
    window.setTimeout(() => (this.notice.hidden = true), 6_000);
  }

  private toggleHand(): void {
    this.meeting.raiseHand(!this.meeting.handRaised);
  }

  /** Opens one side panel (closing the others), or closes it when it is open. */
  private showPanel(toggle: PanelToggle): void {
    const open = !toggle.open;
    for (const other of this.toggles) other.open = false;
    toggle.open = open;
    if (toggle === this.chatToggle && open) this.setUnread(0);
    this.element.classList.toggle("with-side", open);
    this.relayout();
  }

  private showModeratorTools(moderator: boolean): void {
    this.lobbyToggle.button.hidden = !moderator;
    this.settingsToggle.button.hidden = !moderator;
    if (!moderator) {
      if (this.lobbyToggle.open) this.showPanel(this.lobbyToggle);
      if (this.settingsToggle.open) this.showPanel(this.settingsToggle);
    }
  }

  lobby(hostPresent: boolean): void {
    this.status("connected"); // the waiting room says what is going on
    this.element.classList.add("in-lobby");
    this.waitingRoom.waiting(hostPresent);
  }

  lobbyList(waiting: LobbyEntry[]): void {
    this.lobbyPanel.update(waiting, this.meeting.encryption === "encrypting");
    this.lobbyToggle.button.textContent = waiting.length ? t("waitingCount", { count: waiting.length }) : t("lobbyTitle");
    this.lobbyToggle.button.classList.toggle("attention", waiting.length > 0);
  }

  roomState(state: RoomState): void {
    this.settingsPanel.update(state);
  }

  encryption(states: Map<ParticipantId, PeerState>): void {
    const mode = this.meeting.encryption;
    this.encryptionBadge.update(mode, states, (id) => this.names.get(id) ?? "");
    this.peoplePanel.setEncryption(mode === "encrypting" ? states : undefined);
    for (const [id, tile] of this.tiles) tile.setEncryption(states.get(id));
  }

  chat(message: ChatLine): void {
    this.chatPanel.add(message, message.from === this.selfId);
    if (!this.chatToggle.open && message.from !== this.selfId) this.setUnread(this.unread + 1);
  }

  /** The chat button carries the number of unread messages while the chat is closed. */
  private setUnread(count: number): void {
    this.unread = count;
    // The visible text is the accessible name (WCAG 2.5.3), so it spells out "unread".
    this.chatToggle.button.textContent = count ? t("chatUnread", { count }) : t("chat");
    this.chatToggle.button.classList.toggle("attention", count > 0);
  }

  quality(ratings: Map<ParticipantId, Quality>): void {
    for (const [id, tile] of this.tiles) tile.setQuality(ratings.get(id));
  }

  reaction(from: Participant, reaction: Reaction): void {
    const tile = from.id === this.selfId ? this.selfTile : this.tiles.get(from.id);
    tile?.showReaction(REACTION_SYMBOLS[reaction]);
    announce(t("reactedAnnouncement", { name: from.name, reaction: t(`reaction.${reaction}` as "reaction.clap") }));
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
    this.micToggle.set(this.media.audioOn);
    this.camToggle.set(this.media.videoOn);
    this.selfTile?.setVideo(this.media.videoOn ? this.media.videoTrack : undefined);
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
    const moderator = self.role === "moderator";
    this.showModeratorTools(moderator);
    this.peoplePanel.update(self, others);
    this.handButton.textContent = t(self.hand === null ? "raiseHand" : "lowerHand");
    this.shareButton.textContent = t(self.screen ? "stopSharing" : "shareScreen");
    this.shareButton.setAttribute("aria-pressed", String(self.screen));
    this.sharingBar.hidden = !self.screen;
    this.names = new Map([self, ...others].map((p) => [p.id, p.name]));
    this.handButton.setAttribute("aria-pressed", String(self.hand !== null));
    if (!this.selfTile || this.selfId !== self.id) {
      this.selfTile?.element.remove();
      this.selfTile = new Tile(self, true, () => {});
      this.selfId = self.id;
      this.grid.prepend(this.selfTile.element);
    }
    this.selfTile.update(self);
    this.selfTile.setVideo(self.video ? this.media.videoTrack : undefined);
    const present = new Set(others.map((p) => p.id));
    for (const [id, tile] of this.tiles) {
      if (!present.has(id)) {
        tile.element.remove();
        this.tiles.delete(id);
      }
    }
    for (const participant of others) {
      let tile = this.tiles.get(participant.id);
      if (!tile) {
        tile = new Tile(participant, false, () => (this.soundButton.hidden = false));
        if (this.speaker) tile.setSpeaker(this.speaker);
        this.tiles.set(participant.id, tile);
        this.grid.append(tile.element);
      }
      tile.update(participant);
      tile.setModeration(
        moderator
          ? {
              mute: () => this.meeting.moderate(participant.id, "mute-audio"),
              stopVideo: () => this.meeting.moderate(participant.id, "stop-video"),
              remove: () => this.meeting.moderate(participant.id, "remove"),
              promote: () => this.meeting.moderate(participant.id, "make-moderator"),
              lowerHand: () => this.meeting.moderate(participant.id, "lower-hand"),
            }
          : undefined,
      );
    }
    const count = others.length + 1;
    this.countLine.textContent = count === 1 ? t("alone") : "";
    this.countLine.hidden = count !== 1;
    this.peopleToggle.button.textContent = `${t("people")} (${count})`;
    this.peopleToggle.button.title = t("participants", { count });
    this.relayout();
  }

  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    for (const [id, tile] of this.tiles) {
      tile.setVideo(tracks.get(id)?.video);
      tile.setAudio(tracks.get(id)?.audio);
    }
    this.showScreens(tracks);
  }

  /** Shared screens take the large area; the camera tiles move to a strip. */
  private showScreens(tracks: Map<ParticipantId, RemoteTracks>): void {
    for (const [id, shown] of this.screenTiles) {
      if (tracks.get(id)?.screen !== shown.track) {
        shown.element.remove();
        this.screenTiles.delete(id);
      }
    }
    for (const [id, { screen }] of tracks) {
      if (!screen || this.screenTiles.has(id)) continue;
      const video = h("video", { autoplay: true, playsinline: true });
      video.muted = true;
      video.srcObject = new MediaStream([screen]);
      const label = t("screenOf", { name: this.names.get(id) ?? "" });
      const element = h("figure", { class: "screen-tile", "aria-label": label, "data-participant": id }, video, h("figcaption", {}, label));
      this.screenTiles.set(id, { element, video, track: screen });
      this.screens.append(element);
      void video.play().catch(() => {});
    }
    const presenting = this.screenTiles.size > 0;
    this.screens.hidden = !presenting;
    this.element.classList.toggle("presenting", presenting);
    this.relayout();
  }

  speaking(id: ParticipantId | undefined): void {
    this.selfTile?.setSpeaking(id !== undefined && id === this.selfId);
    for (const [tileId, tile] of this.tiles) tile.setSpeaking(tileId === id);
    // In speaker view the spotlight follows whoever else speaks, but not faster than every two seconds.
    if (id && id !== this.selfId && this.tiles.has(id) && id !== this.spotlightId && Date.now() - this.spotlightSince > 2_000) {
      this.spotlightId = id;
      this.spotlightSince = Date.now();
      if (this.speakerView) this.relayout();
    }
  }

  private toggleSpeakerView(): void {
    this.speakerView = !this.speakerView;
    this.viewButton.textContent = t(this.speakerView ? "gridView" : "speakerView");
    this.viewButton.setAttribute("aria-pressed", String(this.speakerView));
    this.relayout();
  }

  /** In speaker view: the tile in the spotlight (the last remote speaker, else the first remote). */
  private spotlightTile(): [ParticipantId, Tile] | undefined {
    if (!this.speakerView || this.screenTiles.size > 0) return undefined;
    const id = this.spotlightId && this.tiles.has(this.spotlightId) ? this.spotlightId : this.tiles.keys().next().value;
    return id === undefined ? undefined : [id, this.tiles.get(id)!];
  }

  joined(participant: Participant): void {
    announce(t("joinedAnnouncement", { name: participant.name }));
  }

  left(participant: Participant): void {
    announce(t("leftAnnouncement", { name: participant.name }));
  }

  /** Columns and tile width so that all tiles fit the screen at the largest 16:9 size. */
  /**
   * Pages of tiles that fit the screen at a useful size, and for every remote camera the
   * video the meeting should receive: none when its tile is on another page, else the
   * layer the tile's size needs. Hidden participants cost no video, only audio.
   */
  relayout(): void {
    // The spotlight first: it changes how much room the grid has.
    const spotlight = this.spotlightTile();
    this.showInSpotlight(spotlight?.[1]);
    const style = getComputedStyle(this.grid);
    const gap = parseFloat(style.columnGap) || 0;
    const width = (this.grid.clientWidth || window.innerWidth) - (parseFloat(style.paddingLeft) || 0) * 2;
    const height = (this.grid.clientHeight || window.innerHeight) - (parseFloat(style.paddingTop) || 0) * 2;
    const self = this.selfTile && this.selfId ? [this.selfId] : [];
    const stripIds = [...this.tiles.keys()].filter((id) => id !== spotlight?.[0]);
    const plan = planGrid(self.length + stripIds.length, width, height, gap);
    const pages = Math.max(1, Math.ceil((self.length + stripIds.length) / plan.pageSize));
    // One's own tile comes first on a single page; with several pages the others come first.
    const order = pages > 1 ? [...stripIds, ...self] : [...self, ...stripIds];
    this.page = Math.min(this.page, pages - 1);
    const visible = new Set(pageOf(order, this.page, plan.pageSize));
    this.grid.style.setProperty("--tile-w", `${Math.max(80, Math.floor(plan.tileWidth))}px`);
    if (this.selfTile) this.selfTile.element.hidden = !visible.has(this.selfId!);
    const widths = new Map<ParticipantId, number>();
    for (const [id, tile] of this.tiles) {
      if (id === spotlight?.[0]) continue;
      tile.element.hidden = !visible.has(id);
      if (visible.has(id)) widths.set(id, plan.tileWidth);
    }
    if (spotlight) widths.set(spotlight[0], this.spotlight.clientWidth || width);
    const layers = layersFor(widths, window.devicePixelRatio);
    const video: Record<ParticipantId, VideoQuality> = {};
    for (const id of this.tiles.keys()) video[id] = layers.get(id) ?? "off";
    this.pager.hidden = pages < 2;
    this.pageLabel.textContent = t("pageOf", { page: this.page + 1, pages });
    this.previousPage.disabled = this.page === 0;
    this.nextPage.disabled = this.page >= pages - 1;
    this.meeting.wantVideo(video);
  }

  /** Moves a tile into the spotlight (or none), and every other tile back to the grid in order. */
  private showInSpotlight(tile: Tile | undefined): void {
    if (tile && tile.element.parentElement === this.spotlight) return;
    const back = [...this.spotlight.children];
    this.spotlight.replaceChildren(...(tile ? [tile.element] : []));
    if (tile) tile.element.hidden = false;
    if (back.length > 0 || tile) {
      const ordered = [this.selfTile, ...this.tiles.values()].filter((t): t is Tile => t !== undefined && t !== tile).map((t) => t.element);
      this.grid.append(...ordered);
    }
    this.spotlight.hidden = !tile;
    this.element.classList.toggle("speaker-view", tile !== undefined);
  }

  private turnPage(step: number): void {
    this.page = Math.max(0, this.page + step);
    this.relayout();
  }

  private resumeAudio(): void {
    this.soundButton.hidden = true;
    for (const tile of this.tiles.values()) tile.resumeAudio();
  }
}
