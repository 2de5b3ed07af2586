/**
 * The recording as it is made on the recording moderator's page (issue 16):
 * the compositor's picture, the mix of those who agreed, MediaRecorder, and
 * the download when it ends. The mix is brought up to date twice a second
 * (answers, arrivals, a microphone switched on), so nobody's sound is in it
 * for longer than that after they decline or leave.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import { Compositor } from "./compositor.js";
import { AudioMix } from "./mixer.js";
import { planMix } from "./plan.js";
import { MeetingRecorder, saveOnDevice } from "./recorder.js";

const MIX_EVERY_MS = 500;

export interface StudioSources {
  /** The stage as the moderator sees it. */
  stage(): HTMLElement;
  /** Everyone's live microphone track this page has, the moderator's own included. */
  audio(): Map<ParticipantId, MediaStreamTrack>;
  /** In the picture and the mix: the recording moderator, and whoever agreed. */
  agrees(id: ParticipantId): boolean;
  nameOf(id: ParticipantId): string | undefined;
}

/** This browser can compose, mix and record (Chromium, Firefox, Safari 14.1+). */
export function canRecord(): boolean {
  return typeof MediaRecorder !== "undefined" && typeof AudioContext !== "undefined" && "captureStream" in HTMLCanvasElement.prototype;
}

export class RecordingStudio {
  private readonly compositor: Compositor;
  private readonly mix = new AudioMix();
  private readonly recorder: MeetingRecorder;
  private readonly timer: number;
  private finished: Promise<string> | undefined;

  constructor(private readonly sources: StudioSources) {
    this.compositor = new Compositor(sources.stage, sources.agrees, sources.nameOf);
    const video = this.compositor.start().getVideoTracks()[0]!;
    this.remix();
    this.recorder = new MeetingRecorder(video, this.mix.track);
    this.timer = window.setInterval(() => this.remix(), MIX_EVERY_MS);
  }

  /** Stops, saves the file on this device, and resolves with its name. Idempotent. */
  finish(): Promise<string> {
    this.finished ??= (async () => {
      window.clearInterval(this.timer);
      const blob = await this.recorder.stop();
      this.compositor.stop();
      this.mix.close();
      saveOnDevice(blob, this.recorder.fileName);
      return this.recorder.fileName;
    })();
    return this.finished;
  }

  private remix(): void {
    const tracks = this.sources.audio();
    this.mix.set(planMix(tracks.keys(), this.sources.agrees).map((id) => tracks.get(id)!));
  }
}
