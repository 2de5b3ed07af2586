/**
 * One participant's tile: video (or initials when the camera is off),
 * name, a microphone-off indicator and the speaking highlight. Remote audio
 * plays through a separate <audio> element so the <video> can stay muted
 * and autoplay is never blocked.
 */
import type { Participant } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";
import type { Quality } from "../rtc/quality.js";
import type { PeerState } from "../e2ee/session.js";
import { PEER_STATE_TEXT } from "./encryption.js";

/** What a moderator can do to the participant of this tile. */
export interface TileModeration {
  mute(): void;
  stopVideo(): void;
  remove(): void;
  promote(): void;
  /** Takes moderator rights away again (offered instead of promote for a moderator). */
  demote(): void;
  lowerHand(): void;
  /** Ends their screen share (offered while they share). */
  stopScreen(): void;
}

export class Tile {
  readonly element: HTMLElement;
  private readonly video: HTMLVideoElement;
  private readonly audio: HTMLAudioElement | undefined;
  private readonly avatar: HTMLElement;
  private readonly nameLabel: HTMLElement;
  private readonly mutedIcon: HTMLElement;
  private readonly roleBadge: HTMLElement;
  private readonly handIcon: HTMLElement;
  private readonly qualityIcon: HTMLElement;
  private readonly plainIcon: HTMLElement;
  private readonly reactionBubble: HTMLElement;
  private reactionTimer: number | undefined;
  private readonly menuSlot: HTMLElement;
  private videoTrack: MediaStreamTrack | undefined;
  private name = "";
  private role: Participant["role"] = "participant";
  /** The role the moderator menu was built for: promote or demote depends on it. */
  private menuRole: Participant["role"] | undefined;
  /** The participant says their camera is on (a track may still arrive without pictures). */
  private cameraOn = true;
  private audioTrack: MediaStreamTrack | undefined;
  /** The participant shares their screen: the moderator's menu offers to stop it. */
  private sharing = false;
  private stopScreenItem: HTMLButtonElement | undefined;

  constructor(
    participant: Participant,
    private readonly isSelf: boolean,
    private readonly onAudioBlocked: () => void,
  ) {
    this.video = h("video", { autoplay: true, playsinline: true, "aria-hidden": "true" });
    this.video.muted = true; // audio goes through this.audio; a muted video may always autoplay
    if (isSelf) this.video.classList.add("mirrored");
    this.avatar = h("div", { class: "avatar", "aria-hidden": "true" });
    this.nameLabel = h("span", { class: "name" });
    this.mutedIcon = h("span", { class: "muted", role: "img", "aria-label": t("muted") }, icon("micOff"));
    this.audio = isSelf ? undefined : h("audio", { autoplay: true });
    this.roleBadge = h("span", { class: "badge" }, t("moderator"));
    this.handIcon = h("span", { class: "hand", role: "img" }, "✋");
    this.qualityIcon = h("span", { class: "quality", role: "img", hidden: true }, h("i"), h("i"), h("i"));
    this.reactionBubble = h("span", { class: "reaction", "aria-hidden": "true", hidden: true });
    this.plainIcon = h("span", { class: "plain", role: "img", hidden: true }, icon("lockOpen"));
    this.menuSlot = h("div", { class: "tile-menu" });
    this.element = h(
      "figure",
      { class: "tile", "data-participant": participant.id, "data-self": isSelf ? "true" : undefined },
      this.video,
      this.avatar,
      h("figcaption", {}, this.handIcon, this.mutedIcon, this.nameLabel, this.roleBadge, this.plainIcon, this.qualityIcon),
      this.reactionBubble,
      this.menuSlot,
      this.audio,
    );
    this.update(participant);
  }

  update(participant: Participant): void {
    const name = this.isSelf ? t("youSuffix", { name: participant.name }) : participant.name;
    this.nameLabel.textContent = name;
    this.name = participant.name;
    this.role = participant.role;
    this.roleBadge.hidden = participant.role !== "moderator";
    this.handIcon.hidden = participant.hand === null;
    this.handIcon.setAttribute("aria-label", t("handRaised"));
    this.element.setAttribute("aria-label", name);
    this.avatar.textContent = initials(participant.name);
    this.mutedIcon.hidden = participant.audio;
    this.cameraOn = participant.video;
    this.sharing = participant.screen;
    if (this.stopScreenItem) this.stopScreenItem.hidden = !this.sharing;
    this.showVideoOrInitials();
  }

  /** Marks a participant whose media does not reach us end-to-end encrypted. */
  setEncryption(state: PeerState | undefined): void {
    const plain = state === "unencrypted" || state === "failed";
    this.plainIcon.hidden = !plain;
    if (plain) this.plainIcon.setAttribute("aria-label", t(PEER_STATE_TEXT[state]));
    // Frames that cannot be decrypted never reach the decoder: show the initials, not a black box.
    this.element.classList.toggle("undecryptable", state === "failed");
  }

  /** Shows the moderator's menu for this participant, or hides it (`undefined`). */
  setModeration(actions: TileModeration | undefined): void {
    // Rebuilt only when a role changes (ours or theirs), so an open menu survives other updates.
    if ((actions !== undefined) === this.menuSlot.hasChildNodes() && (!actions || this.menuRole === this.role)) return;
    this.menuRole = actions ? this.role : undefined;
    if (!actions) return this.menuSlot.replaceChildren();
    const item = (label: string, run: () => void) => h("button", { type: "button", onclick: run }, label);
    const name = this.name;
    this.stopScreenItem = item(t("stopScreenOne", { name }), actions.stopScreen);
    this.stopScreenItem.hidden = !this.sharing;
    this.menuSlot.replaceChildren(
      h(
        "details",
        {},
        h("summary", { "aria-label": t("moderateOne", { name }), title: t("moderateOne", { name }) }, "⋯"),
        h(
          "div",
          { class: "menu" },
          item(t("muteOne", { name }), actions.mute),
          item(t("stopVideoOne", { name }), actions.stopVideo),
          item(t("lowerHandOne", { name }), actions.lowerHand),
          this.stopScreenItem,
          this.role === "moderator" ? item(t("demoteOne", { name }), actions.demote) : item(t("promoteOne", { name }), actions.promote),
          item(t("removeOne", { name }), actions.remove),
        ),
      ),
    );
  }

  private showVideoOrInitials(): void {
    this.element.classList.toggle("camera-off", !this.cameraOn || !this.videoTrack);
  }

  /** Shows a reaction on the tile for a few seconds. */
  showReaction(symbol: string): void {
    this.reactionBubble.textContent = symbol;
    this.reactionBubble.hidden = false;
    window.clearTimeout(this.reactionTimer);
    this.reactionTimer = window.setTimeout(() => (this.reactionBubble.hidden = true), 3_000);
  }

  setSpeaking(speaking: boolean): void {
    this.element.classList.toggle("speaking", speaking);
  }

  setVideo(track: MediaStreamTrack | undefined): void {
    if (track === this.videoTrack) return;
    this.videoTrack = track;
    this.video.srcObject = track ? new MediaStream([track]) : null;
    this.showVideoOrInitials();
    if (track) this.play(this.video);
  }

  setAudio(track: MediaStreamTrack | undefined): void {
    if (!this.audio || track === this.audioTrack) return;
    this.audioTrack = track;
    this.audio.srcObject = track ? new MediaStream([track]) : null;
    if (track) this.play(this.audio);
  }

  /** Three bars for how well this participant's video arrives; hidden while unknown. */
  setQuality(quality: Quality | undefined): void {
    this.qualityIcon.hidden = quality === undefined || !this.cameraOn;
    if (!quality) return;
    this.qualityIcon.dataset.quality = quality;
    this.qualityIcon.setAttribute("aria-label", t(`quality.${quality}`));
  }

  /** Plays this participant's audio on the chosen speaker. */
  setSpeaker(deviceId: string): void {
    const audio = this.audio as (HTMLAudioElement & { setSinkId?(id: string): Promise<void> }) | undefined;
    void audio?.setSinkId?.(deviceId).catch(() => {});
  }

  /** Retries playback after the person clicked "Turn on sound". */
  resumeAudio(): void {
    if (this.audio?.srcObject) this.play(this.audio);
  }

  private play(element: HTMLMediaElement): void {
    element.play().catch((error: Error) => {
      if (error.name === "NotAllowedError" && element === this.audio) this.onAudioBlocked();
    });
  }
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? [parts[0]![0], parts[parts.length - 1]![0]] : [parts[0]?.[0]];
  return letters.join("").toUpperCase();
}
