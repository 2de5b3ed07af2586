/**
 * Where people are seen: the grid of camera tiles in pages that fit the
 * screen, shared screens large with the cameras in a strip, speaker view
 * (one speaker large; the other person in a meeting of two), and one's own
 * picture small in a corner on phones and in a meeting of two
 * (stageShape in layout.ts). It tells the meeting which cameras to
 * receive, at which layer (layout.ts).
 */
import type { Participant, ParticipantId, VideoQuality } from "../../protocol/messages.js";
import type { PeerState } from "../e2ee/session.js";
import type { RemoteTracks } from "../rtc/subscriber.js";
import type { Quality } from "../rtc/quality.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { layersFor, pageOf, planGrid, stageShape, type StageShape, type ViewPreference } from "./layout.js";
import { Tile, type TileModeration } from "./tile.js";
import { SelfView } from "./self-view.js";
import { compactScreen } from "./popover.js";

export interface StageEvents {
  /** The cameras on screen, at which size; the rest are not received. */
  wantVideo(video: Record<ParticipantId, VideoQuality>): void;
  /** The browser refused to play remote audio before a click. */
  audioBlocked(): void;
  /** What a moderator can do to this participant (undefined: not a moderator). */
  moderation(participant: Participant): TileModeration | undefined;
}

export class Stage {
  readonly element: HTMLElement;
  private readonly grid: HTMLElement;
  private readonly spotSpace: HTMLElement;
  private readonly tiles = new Map<ParticipantId, Tile>();
  private selfTile: Tile | undefined;
  private selfId: ParticipantId | undefined;
  private readonly screens: HTMLElement;
  private readonly screenTiles = new Map<ParticipantId, { element: HTMLElement; video: HTMLVideoElement; track: MediaStreamTrack }>();
  /** Everyone's name by id, for labels and the encryption line. */
  names = new Map<ParticipantId, string>();
  private speaker: string | undefined;
  /** The page of tiles on screen (0-based). */
  private page = 0;
  private preference: ViewPreference = "auto";
  private shape: StageShape = { speakerView: false, spotlight: false, selfPip: false };
  private readonly selfView = new SelfView();
  private spotlightId: ParticipantId | undefined;
  private spotlightSince = 0;
  private readonly pager: HTMLElement;
  private readonly pageLabel: HTMLElement;
  private readonly previousPage: HTMLButtonElement;
  private readonly nextPage: HTMLButtonElement;

  /** `frame`: the element whose classes say how the stage is laid out (presenting, speaker view). */
  constructor(
    private readonly events: StageEvents,
    private readonly frame: HTMLElement,
  ) {
    // In speaker view the spotlit tile lies over this spacer; the strip flows below it.
    this.spotSpace = h("div", { class: "spot-space", "aria-hidden": "true" });
    this.grid = h("section", { class: "grid", "aria-label": t("videoGrid") }, this.spotSpace);
    this.screens = h("section", { class: "screens", "aria-label": t("shareScreen"), hidden: true });
    this.previousPage = h("button", { type: "button", onclick: () => this.turnPage(-1) }, t("previousPage"));
    this.nextPage = h("button", { type: "button", onclick: () => this.turnPage(1) }, t("nextPage"));
    this.pageLabel = h("span", { role: "status" });
    this.pager = h("nav", { class: "pager", "aria-label": t("pages"), hidden: true }, this.previousPage, this.pageLabel, this.nextPage);
    this.element = h("div", { class: "main" }, this.screens, this.grid, this.pager);
  }

  /** Draws one tile per participant, this person's own first. */
  participants(self: Participant, others: Participant[], selfVideo: MediaStreamTrack | undefined): void {
    this.names = new Map([self, ...others].map((p) => [p.id, p.name]));
    if (!this.selfTile || this.selfId !== self.id) {
      this.selfTile?.element.remove();
      this.selfTile = new Tile(self, true, () => {});
      this.selfId = self.id;
      this.spotSpace.after(this.selfTile.element);
    }
    this.selfTile.update(self);
    this.selfTile.setVideo(self.video ? selfVideo : undefined);
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
        tile = new Tile(participant, false, () => this.events.audioBlocked());
        if (this.speaker) tile.setSpeaker(this.speaker);
        this.tiles.set(participant.id, tile);
        this.grid.append(tile.element);
      }
      tile.update(participant);
      tile.setModeration(this.events.moderation(participant));
    }
  }

  /** This person's own camera, as it is now (undefined: off). */
  selfVideo(track: MediaStreamTrack | undefined): void {
    this.selfTile?.setVideo(track);
  }

  remoteTracks(tracks: Map<ParticipantId, RemoteTracks>): void {
    for (const [id, tile] of this.tiles) {
      tile.setVideo(tracks.get(id)?.video);
      tile.setAudio(tracks.get(id)?.audio);
    }
    this.showScreens(tracks);
  }

  encryption(states: Map<ParticipantId, PeerState>): void {
    for (const [id, tile] of this.tiles) tile.setEncryption(states.get(id));
  }

  quality(ratings: Map<ParticipantId, Quality>): void {
    for (const [id, tile] of this.tiles) tile.setQuality(ratings.get(id));
  }

  reaction(id: ParticipantId, symbol: string): void {
    const tile = id === this.selfId ? this.selfTile : this.tiles.get(id);
    tile?.showReaction(symbol);
  }

  setSpeaker(deviceId: string): void {
    this.speaker = deviceId;
    for (const tile of this.tiles.values()) tile.setSpeaker(deviceId);
  }

  resumeAudio(): void {
    for (const tile of this.tiles.values()) tile.resumeAudio();
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
    this.presentingChanged();
  }

  /**
   * Things made together (the whiteboard, a presentation) shown where shared screens go, the
   * cameras in the strip: `element` added to the stage, or taken off it.
   */
  showContent(element: HTMLElement, shown: boolean): void {
    if (shown && element.parentElement !== this.screens) this.screens.prepend(element);
    if (!shown) element.remove();
    this.presentingChanged();
  }

  private presentingChanged(): void {
    const presenting = this.screens.childElementCount > 0;
    this.screens.hidden = !presenting;
    this.frame.classList.toggle("presenting", presenting);
    this.relayout();
  }

  speaking(id: ParticipantId | undefined): void {
    this.selfTile?.setSpeaking(id !== undefined && id === this.selfId);
    for (const [tileId, tile] of this.tiles) tile.setSpeaking(tileId === id);
    // In speaker view the spotlight follows whoever else speaks, but not faster than every two seconds.
    if (id && id !== this.selfId && this.tiles.has(id) && id !== this.spotlightId && Date.now() - this.spotlightSince > 2_000) {
      this.spotlightId = id;
      this.spotlightSince = Date.now();
      if (this.shape.spotlight) this.relayout();
    }
  }

  /** Switches between grid and speaker view; true when speaker view is on now. */
  toggleSpeakerView(): boolean {
    this.preference = this.shape.speakerView ? "grid" : "speaker";
    this.relayout();
    return this.shape.speakerView;
  }

  /** Whether speaker view is what the person sees now (a meeting of two starts in it). */
  get speakerView(): boolean {
    return this.shape.speakerView;
  }

  /** The tile in the spotlight: the last remote speaker, else the first remote. */
  private spotlightTile(): [ParticipantId, Tile] | undefined {
    if (!this.shape.spotlight) return undefined;
    const id = this.spotlightId && this.tiles.has(this.spotlightId) ? this.spotlightId : this.tiles.keys().next().value;
    return id === undefined ? undefined : [id, this.tiles.get(id)!];
  }

  /**
   * Pages of tiles that fit the screen at a useful size, and for every remote camera the
   * video the meeting should receive: none when its tile is on another page, else the
   * layer the tile's size needs. Hidden participants cost no video, only audio.
   */
  relayout(): void {
    this.shape = stageShape({ others: this.tiles.size, presenting: this.screens.childElementCount > 0, narrow: compactScreen(), preference: this.preference });
    const spotlight = this.spotlightTile();
    this.place(spotlight?.[1]);
    const style = getComputedStyle(this.grid);
    const gap = parseFloat(style.columnGap) || 0;
    const padding = parseFloat(style.paddingLeft) || 0;
    const width = (this.grid.clientWidth || window.innerWidth) - padding * 2;
    const height = (this.grid.clientHeight || window.innerHeight) - padding * 2;
    const self = this.selfTile && this.selfId && !this.shape.selfPip ? [this.selfId] : [];
    const stripIds = [...this.tiles.keys()].filter((id) => id !== spotlight?.[0]);
    const count = self.length + stripIds.length;
    // The spotlight takes three quarters of the height, or all of it when nobody else is in the grid.
    const spotHeight = spotlight ? (count > 0 ? Math.floor(height * 0.75) : height) : 0;
    const plan = planGrid(count, width, spotlight ? height - spotHeight - gap : height, gap);
    const pages = Math.max(1, Math.ceil(count / plan.pageSize));
    // One's own tile comes first on a single page; with several pages the others come first.
    const order = pages > 1 ? [...stripIds, ...self] : [...self, ...stripIds];
    this.page = Math.min(this.page, pages - 1);
    const visible = new Set(pageOf(order, this.page, plan.pageSize));
    this.grid.style.setProperty("--tile-w", `${Math.max(80, Math.floor(plan.tileWidth))}px`);
    this.grid.style.setProperty("--spot-h", `${spotHeight}px`);
    if (this.selfTile) this.selfTile.element.hidden = !this.shape.selfPip && !visible.has(this.selfId!);
    const widths = new Map<ParticipantId, number>();
    for (const [id, tile] of this.tiles) {
      if (id === spotlight?.[0]) continue;
      tile.element.hidden = !visible.has(id);
      if (visible.has(id)) widths.set(id, plan.tileWidth);
    }
    if (spotlight) widths.set(spotlight[0], Math.min(width, compactScreen() ? width : (spotHeight * 16) / 9));
    const layers = layersFor(widths, window.devicePixelRatio);
    const video: Record<ParticipantId, VideoQuality> = {};
    for (const id of this.tiles.keys()) video[id] = layers.get(id) ?? "off";
    this.pager.hidden = pages < 2;
    this.pageLabel.textContent = t("pageOf", { page: this.page + 1, pages });
    this.previousPage.disabled = this.page === 0;
    this.nextPage.disabled = this.page >= pages - 1;
    this.events.wantVideo(video);
  }

  /**
   * Marks each tile for where the shape puts it: one remote in the spotlight (or none), one's
   * own in a corner or in the grid. Tiles never move in the page: a <video> taken out and put
   * back elsewhere stalls for a moment, so the style sheet places them by these marks.
   */
  private place(spotlight: Tile | undefined): void {
    const pip = this.shape.selfPip && this.selfTile ? this.selfTile : undefined;
    for (const tile of [this.selfTile, ...this.tiles.values()]) {
      if (!tile) continue;
      tile.element.classList.toggle("spotlit", tile === spotlight);
      if (tile === spotlight) tile.element.hidden = false;
    }
    this.selfView.hold(pip?.element);
    this.grid.classList.toggle("with-spotlight", spotlight !== undefined);
    this.frame.classList.toggle("speaker-view", spotlight !== undefined);
    this.frame.classList.toggle("self-pip", pip !== undefined);
  }

  private turnPage(step: number): void {
    this.page = Math.max(0, this.page + step);
    this.relayout();
  }
}
