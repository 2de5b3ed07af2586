/**
 * A consultation with a third person (docs/consultation.md, "A third person"): the three meet in a
 * media-server room through the meeting client itself — its screen, its end-to-end encryption and
 * its safety codes in People — embedded in the consultation page, on a signaling connection of
 * its own. The invitation key the hub gave lets this page into the room as a participant; it is
 * kept in memory only (unlike a moderator key, nothing about the room is written to the device).
 *
 * Staff and patient build it while their direct call still runs, hidden behind it, and show it
 * once another person's video plays in it (make before break); the third person shows it at once.
 */
import type { RoomName } from "../../protocol/messages.js";
import { NO_EFFECT } from "../effects/video-effect.js";
import { LocalMedia } from "../media.js";
import { Meeting } from "../meeting/meeting.js";
import { h } from "../ui/dom.js";
import { MeetingScreen } from "../ui/meeting-view.js";

export interface GroupCallEvents {
  /** The person chose "Leave" in the meeting screen. */
  leave(): void;
  /** The room ended for this person (removed, or the meeting ended). */
  ended(): void;
}

/** How long a page waits for someone's video in the room (or the direct call's, coming back) before giving up on it. */
export const PATIENCE_MS = 15_000;

export class GroupCall {
  /** Laid out from the start (hidden while `behind`), so the meeting screen has its size before it shows. */
  readonly element = h("div", { class: "consult-group behind" });
  private readonly media = new LocalMedia();
  private readonly meeting: Meeting;
  private screen: MeetingScreen | undefined;
  private closed = false;
  private readonly relayout = () => this.screen?.relayout();
  /** While behind the direct call, the room is silent: every sound element in it is muted as it appears. */
  private readonly silencer = new MutationObserver(() => this.silence(true));

  constructor(room: RoomName, key: string, private readonly events: GroupCallEvents) {
    this.meeting = new Meeting(room, this.media);
    this.meeting.moderator.key = key;
    this.silencer.observe(this.element, { childList: true, subtree: true });
  }

  /**
   * Joins with microphone and camera as they were in the direct call (copies of `local`'s tracks,
   * so no second capture starts; opened here if there are none); resolves once someone else's
   * video plays in the room (true), or after PATIENCE_MS or leaving (false).
   */
  async start(name: string, devices: { audio: boolean; video: boolean }, local?: MediaStream): Promise<boolean> {
    this.meeting.connect();
    this.media.audioOn = devices.audio;
    this.media.videoOn = devices.video;
    // As in the direct call: the camera's picture and the microphone's sound as they are.
    this.media.videoEffect = NO_EFFECT;
    this.media.noiseSuppression = false;
    const capture = this.media.capture;
    this.media.capture = (kind, constraints) => {
      const open = (kind === "audio" ? local?.getAudioTracks() : local?.getVideoTracks())?.find((track) => track.readyState === "live");
      return open ? Promise.resolve(new MediaStream([open.clone()])) : capture(kind, constraints);
    };
    await this.media.open();
    if (this.closed) return false;
    this.meeting.prepare();
    const toggled = () => {
      screen.syncControls();
      void this.meeting.mediaChanged();
    };
    const screen = new MeetingScreen(this.media, this.meeting, {
      // In a consultation nothing is remembered on the device: the switches act on this call only.
      toggleAudio: () => void this.media.setAudio(!this.media.audioOn).then(toggled),
      toggleVideo: () => void this.media.setVideo(!this.media.videoOn).then(toggled),
      leave: () => this.events.leave(),
      farewell: () => this.events.ended(),
    });
    this.screen = screen;
    this.element.replaceChildren(screen.element);
    this.meeting.join(name, screen);
    window.addEventListener("resize", this.relayout);
    // Someone else's video plays in the meeting screen (a tile that is not this person's own).
    return videoPlays(this.element, "figure.tile:not([data-self]) video", () => !this.closed);
  }

  /** The room is what the person sees now. */
  show(): void {
    this.silencer.disconnect();
    this.silence(false);
    this.element.classList.remove("behind");
    this.relayout();
  }

  private silence(on: boolean): void {
    for (const audio of this.element.querySelectorAll("audio")) audio.muted = on;
  }

  /** Which of microphone and camera are on now (the direct call that follows keeps them so). */
  get devices(): { audio: boolean; video: boolean } {
    return { audio: this.media.audioOn, video: this.media.videoOn };
  }

  leave(): void {
    if (this.closed) return;
    this.closed = true;
    this.silencer.disconnect();
    window.removeEventListener("resize", this.relayout);
    this.meeting.leave();
    this.media.stop();
    this.element.remove();
  }
}

/**
 * Resolves true once a video matching `selector` in `container` shows frames, false after
 * PATIENCE_MS or once `wanted` says it no longer matters.
 */
export async function videoPlays(container: HTMLElement, selector: string, wanted: () => boolean): Promise<boolean> {
  const until = Date.now() + PATIENCE_MS;
  while (wanted() && Date.now() < until) {
    const videos = container.querySelectorAll<HTMLVideoElement>(selector);
    if ([...videos].some((video) => video.videoWidth > 0 && video.currentTime > 0)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}
