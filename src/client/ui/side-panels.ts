/**
 * The meeting's side panels, one open at a time: chat and people (opened
 * from the bar), devices and, for moderators, the lobby and the meeting
 * settings (opened from the More menu).
 */
import type { LobbyEntry, NewcomerDefaults, Participant, ParticipantId } from "../../protocol/messages.js";
import type { PeerState } from "../e2ee/session.js";
import type { LocalMedia } from "../media.js";
import type { ChatLine, MeetingControls, RoomState } from "../view.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { controlButton, type ControlButton } from "./controls.js";
import { SidePanel } from "./side-panel.js";
import { ChatPanel } from "./chat-panel.js";
import { PeoplePanel } from "./people-panel.js";
import { LobbyPanel } from "./lobby-panel.js";
import { SettingsPanel } from "./settings-panel.js";
import { BreakoutPanel } from "./breakout-panel.js";
import { NewcomerSettings } from "./newcomer-settings.js";
import { PollPanel } from "./poll-panel.js";
import { DevicePicker } from "./device-picker.js";
import { languageSwitch } from "./language-switch.js";

export interface SidePanelEvents {
  /** A panel opened or every panel closed: the stage has another width. */
  opened(open: boolean): void;
  /** A device was chosen in the Devices panel. */
  devicesChanged(): void;
  /** The speaker chosen for remote audio. */
  speaker(deviceId: string): void;
  /** Show the safety code with this participant. */
  verify(participant: Participant): void;
}

export class SidePanels {
  readonly element: HTMLElement;
  readonly chat: SidePanel;
  readonly people: SidePanel;
  readonly devices: SidePanel;
  readonly lobby: SidePanel;
  readonly settings: SidePanel;
  /** Breakout rooms: the moderators' controls, everyone else's choice of room (breakout-panel.ts). */
  readonly breakout: SidePanel;
  readonly breakoutPanel: BreakoutPanel;
  readonly polls: SidePanel;
  /** The bar's buttons for the two panels used all the time. */
  readonly chatButton: ControlButton;
  readonly peopleButton: ControlButton;
  private readonly all: SidePanel[];
  private readonly chatPanel: ChatPanel;
  private readonly peoplePanel: PeoplePanel;
  private readonly lobbyPanel: LobbyPanel;
  private readonly settingsPanel: SettingsPanel;
  private readonly newcomerSettings: NewcomerSettings;
  private readonly pollPanel: PollPanel;
  private readonly devicePicker: DevicePicker;
  private unread = 0;

  constructor(
    media: LocalMedia,
    private readonly meeting: MeetingControls,
    private readonly events: SidePanelEvents,
  ) {
    this.chatPanel = new ChatPanel((text) => meeting.sendChat(text));
    this.peoplePanel = new PeoplePanel((participant) => events.verify(participant));
    this.lobbyPanel = new LobbyPanel(meeting.moderator);
    this.settingsPanel = new SettingsPanel({
      lock: (locked) => meeting.moderator.lock(locked),
      setPassword: (password) => meeting.moderator.setPassword(password),
      endMeeting: () => meeting.moderator.endMeeting(),
      allowMultipleShares: (allowed) => meeting.moderator.allowMultipleShares(allowed),
      requireE2ee: (required) => meeting.moderator.requireE2ee(required),
      encrypting: () => meeting.encryption === "encrypting",
      moderatorLink: () => meeting.moderator.link(),
    });
    // How newcomers start, and the knock sound (issue 13): before "End meeting for all".
    this.newcomerSettings = new NewcomerSettings((defaults) => meeting.moderator.setNewcomerDefaults(defaults));
    this.settingsPanel.element.lastElementChild?.before(this.newcomerSettings.element);
    this.pollPanel = new PollPanel(meeting.polls);
    this.devicePicker = new DevicePicker(media, () => events.devicesChanged(), (deviceId) => events.speaker(deviceId), "meeting");
    // Every text on this screen was drawn in one language: switching reloads the page, which
    // comes straight back into the meeting as the same person (resume token).
    const devicesPanel = h(
      "section",
      { class: "devices-panel", "aria-label": t("devices") },
      h("h2", {}, t("devices")),
      this.devicePicker.element,
      languageSwitch(() => location.reload(), "meeting-language"),
    );
    const panel = (element: HTMLElement) => {
      const side: SidePanel = new SidePanel(element, () => this.show(side));
      return side;
    };
    this.chat = panel(this.chatPanel.element);
    this.people = panel(this.peoplePanel.element);
    this.devices = panel(devicesPanel);
    this.lobby = panel(this.lobbyPanel.element);
    this.settings = panel(this.settingsPanel.element);
    this.polls = panel(this.pollPanel.element);
    this.breakoutPanel = new BreakoutPanel(meeting.breakouts);
    this.breakout = panel(this.breakoutPanel.element);
    this.all = [this.chat, this.people, this.devices, this.lobby, this.settings, this.polls, this.breakout];
    this.chatButton = controlButton("panel-toggle", () => this.show(this.chat));
    this.chat.opensWith(this.chatButton.element);
    this.peopleButton = controlButton("panel-toggle", () => this.show(this.people));
    this.people.opensWith(this.peopleButton.element);
    this.setUnread(0);
    this.element = h("aside", { class: "side" }, ...this.all.map((p) => p.element));
  }

  /** A panel a feature brings (shared notes): one of the set, opened from the More menu. */
  extra(element: HTMLElement): SidePanel {
    const side: SidePanel = new SidePanel(element, () => this.show(side));
    this.all.push(side);
    this.element.append(side.element);
    return side;
  }

  /** Opens one side panel (closing the others), or closes it when it is open. */
  show(panel: SidePanel): void {
    const open = !panel.open;
    for (const other of this.all) other.open = false;
    panel.open = open;
    if (panel === this.chat && open) this.setUnread(0);
    if (panel === this.devices) {
      if (open) void this.devicePicker.refresh();
      else this.devicePicker.stop();
    }
    this.events.opened(open);
  }

  /** Opens the panel unless it is open already. */
  open(panel: SidePanel): void {
    if (!panel.open) this.show(panel);
  }

  /** A moderator no longer: their panels close. */
  showModeratorTools(moderator: boolean): void {
    this.pollPanel.setModerator(moderator);
    if (moderator) return;
    if (this.lobby.open) this.show(this.lobby);
    if (this.settings.open) this.show(this.settings);
  }

  participants(self: Participant, others: Participant[]): void {
    this.peoplePanel.update(self, others);
    const count = others.length + 1;
    this.peopleButton.show("people", t("people"), `${t("people")} (${count})`);
    this.peopleButton.element.title = t("participants", { count });
    this.peopleButton.count(count);
  }

  encryption(states: Map<ParticipantId, PeerState> | undefined): void {
    this.peoplePanel.setEncryption(states);
  }

  lobbyList(waiting: LobbyEntry[]): void {
    this.lobbyPanel.update(waiting, this.meeting.encryption === "encrypting");
  }

  roomState(state: RoomState): void {
    this.settingsPanel.update(state);
  }

  newcomerDefaults(defaults: NewcomerDefaults): void {
    this.newcomerSettings.update(defaults);
  }

  chatMessage(message: ChatLine, fromSelf: boolean): void {
    this.chatPanel.add(message, fromSelf);
    if (!this.chat.open && !fromSelf) this.setUnread(this.unread + 1);
  }

  /** The chat button carries the number of unread messages while the chat is closed. */
  private setUnread(count: number): void {
    this.unread = count;
    // The name spells out "unread"; the visible label stays "Chat", with the number beside it.
    this.chatButton.show("chat", t("chat"), count ? t("chatUnread", { count }) : t("chat"));
    this.chatButton.count(count);
    this.chatButton.element.classList.toggle("attention", count > 0);
  }
}
