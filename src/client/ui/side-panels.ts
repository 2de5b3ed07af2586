/**
 * The meeting's side panels, one open at a time: chat, people, devices and,
 * for moderators, the lobby and the meeting settings; with the buttons that
 * open and close them.
 */
import type { LobbyEntry, Participant, ParticipantId } from "../../protocol/messages.js";
import type { PeerState } from "../e2ee/session.js";
import type { LocalMedia } from "../media.js";
import type { ChatLine, MeetingControls, RoomState } from "../view.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { PanelToggle } from "./panel-toggle.js";
import { ChatPanel } from "./chat-panel.js";
import { PeoplePanel } from "./people-panel.js";
import { LobbyPanel } from "./lobby-panel.js";
import { SettingsPanel } from "./settings-panel.js";
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
  readonly chat: PanelToggle;
  readonly people: PanelToggle;
  readonly devices: PanelToggle;
  readonly lobby: PanelToggle;
  readonly settings: PanelToggle;
  /** Every toggle, in the order the bar shows them. */
  readonly toggles: PanelToggle[];
  private readonly chatPanel: ChatPanel;
  private readonly peoplePanel: PeoplePanel;
  private readonly lobbyPanel: LobbyPanel;
  private readonly settingsPanel: SettingsPanel;
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
    this.chat = new PanelToggle(this.chatPanel.element, t("chat"), () => this.show(this.chat));
    this.people = new PanelToggle(this.peoplePanel.element, t("people"), () => this.show(this.people));
    this.devices = new PanelToggle(devicesPanel, t("devices"), () => {
      this.show(this.devices);
      if (this.devices.open) void this.devicePicker.refresh();
      else this.devicePicker.stop();
    });
    this.lobby = new PanelToggle(this.lobbyPanel.element, t("lobbyTitle"), () => this.show(this.lobby));
    this.settings = new PanelToggle(this.settingsPanel.element, t("settings"), () => this.show(this.settings));
    this.toggles = [this.chat, this.people, this.devices, this.lobby, this.settings];
    for (const toggle of this.toggles) toggle.open = false;
    this.element = h("aside", { class: "side" }, ...this.toggles.map((p) => p.panel));
  }

  /** Opens one side panel (closing the others), or closes it when it is open. */
  show(toggle: PanelToggle): void {
    const open = !toggle.open;
    for (const other of this.toggles) other.open = false;
    toggle.open = open;
    if (toggle === this.chat && open) this.setUnread(0);
    this.events.opened(open);
  }

  showModeratorTools(moderator: boolean): void {
    this.lobby.button.hidden = !moderator;
    this.settings.button.hidden = !moderator;
    if (!moderator) {
      if (this.lobby.open) this.show(this.lobby);
      if (this.settings.open) this.show(this.settings);
    }
  }

  participants(self: Participant, others: Participant[]): void {
    this.peoplePanel.update(self, others);
    const count = others.length + 1;
    this.people.button.textContent = `${t("people")} (${count})`;
    this.people.button.title = t("participants", { count });
  }

  encryption(states: Map<ParticipantId, PeerState> | undefined): void {
    this.peoplePanel.setEncryption(states);
  }

  lobbyList(waiting: LobbyEntry[]): void {
    this.lobbyPanel.update(waiting, this.meeting.encryption === "encrypting");
    this.lobby.button.textContent = waiting.length ? t("waitingCount", { count: waiting.length }) : t("lobbyTitle");
    this.lobby.button.classList.toggle("attention", waiting.length > 0);
  }

  roomState(state: RoomState): void {
    this.settingsPanel.update(state);
  }

  chatMessage(message: ChatLine, fromSelf: boolean): void {
    this.chatPanel.add(message, fromSelf);
    if (!this.chat.open && !fromSelf) this.setUnread(this.unread + 1);
  }

  /** The chat button carries the number of unread messages while the chat is closed. */
  private setUnread(count: number): void {
    this.unread = count;
    // The visible text is the accessible name (WCAG 2.5.3), so it spells out "unread".
    this.chat.button.textContent = count ? t("chatUnread", { count }) : t("chat");
    this.chat.button.classList.toggle("attention", count > 0);
  }
}
