/**
 * The meeting screen: a grid of tiles sized so every tile is on screen,
 * the control bar, and the connection status.
 */
import type { Participant, ParticipantId } from "../../protocol/messages.js";
import type { MeetingStatus, MeetingView } from "../meeting.js";
import type { RemoteTracks } from "../rtc/subscriber.js";
import type { LocalMedia } from "../media.js";
import { t } from "../i18n/index.js";
import { announce, h, icon } from "./dom.js";
import { cameraToggle, microphoneToggle } from "./controls.js";
import { Tile } from "./tile.js";

export interface MeetingActions {
  toggleAudio(): void;
  toggleVideo(): void;
  leave(): void;
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

  constructor(
    private readonly media: LocalMedia,
    actions: MeetingActions,
  ) {
    this.micToggle = microphoneToggle(actions.toggleAudio);
    this.camToggle = cameraToggle(actions.toggleVideo);
    this.grid = h("section", { class: "grid", "aria-label": t("videoGrid") });
    this.statusLine = h("p", { class: "status", role: "status" });
    this.countLine = h("p", { class: "count" });
    this.soundButton = h("button", { type: "button", class: "sound", hidden: true, onclick: () => this.resumeAudio() }, t("enableSound"));
    const leave = h("button", { type: "button", class: "control leave", "aria-label": t("leave"), title: t("leave"), onclick: actions.leave }, icon("leave"));
    this.element = h(
      "main",
      { class: "meeting" },
      h("h1", { class: "visually-hidden" }, t("appName")),
      this.statusLine,
      this.soundButton,
      this.grid,
      h("div", { class: "bar", role: "toolbar", "aria-label": t("meetingControls") }, this.countLine, this.micToggle.element, this.camToggle.element, leave),
    );
    this.syncControls();
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
        this.tiles.set(participant.id, tile);
        this.grid.append(tile.element);
      }
      tile.update(participant);
    }
    const count = others.length + 1;
    this.countLine.textContent = count === 1 ? t("alone") : t("participants", { count });
    this.layout(count);
  }

  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    for (const [id, tile] of this.tiles) {
      tile.setVideo(tracks.get(id)?.video);
      tile.setAudio(tracks.get(id)?.audio);
    }
  }

  speaking(id: ParticipantId | undefined): void {
    this.selfTile?.setSpeaking(id !== undefined && id === this.selfId);
    for (const [tileId, tile] of this.tiles) tile.setSpeaking(tileId === id);
  }

  joined(participant: Participant): void {
    announce(t("joinedAnnouncement", { name: participant.name }));
  }

  left(participant: Participant): void {
    announce(t("leftAnnouncement", { name: participant.name }));
  }

  /** Columns and tile width so that all tiles fit the screen at the largest 16:9 size. */
  private layout(count: number): void {
    const style = getComputedStyle(this.grid);
    const gap = parseFloat(style.columnGap) || 0;
    const width = (this.grid.clientWidth || window.innerWidth) - (parseFloat(style.paddingLeft) || 0) * 2;
    const height = (this.grid.clientHeight || window.innerHeight) - (parseFloat(style.paddingTop) || 0) * 2;
    let best = { cols: 1, tileWidth: 0 };
    for (let cols = 1; cols <= count; cols++) {
      const rows = Math.ceil(count / cols);
      const tileWidth = Math.min((width - gap * (cols - 1)) / cols, ((height - gap * (rows - 1)) / rows) * (16 / 9));
      if (tileWidth > best.tileWidth) best = { cols, tileWidth };
    }
    this.grid.style.setProperty("--cols", String(best.cols));
    this.grid.style.setProperty("--tile-w", `${Math.max(80, Math.floor(best.tileWidth))}px`);
  }

  relayout(): void {
    this.layout(this.tiles.size + 1);
  }

  private resumeAudio(): void {
    this.soundButton.hidden = true;
    for (const tile of this.tiles.values()) tile.resumeAudio();
  }
}
