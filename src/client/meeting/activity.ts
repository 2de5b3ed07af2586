/**
 * Two meters that run while a person is in the meeting: who speaks (from
 * audio levels measured in the browser, four times a second) and how well
 * each remote video arrives (from getStats(), every two seconds).
 */
import type { ParticipantId } from "../../protocol/messages.js";
import type { LocalMedia } from "../media.js";
import type { MeetingView } from "../view.js";
import type { CameraPublisher } from "./camera.js";
import type { Receiver } from "./receiver.js";

const SPEAKING_THRESHOLD = 0.02;

export class ActivityMeters {
  private speakingTimer: number | undefined;
  private qualityTimer: number | undefined;

  constructor(
    private readonly parts: { media: LocalMedia; camera: CameraPublisher; receiver: Receiver },
    private readonly selfId: () => ParticipantId | undefined,
    private readonly view: () => MeetingView | undefined,
  ) {}

  start(): void {
    this.speakingTimer = window.setInterval(() => void this.updateSpeaking(), 250);
    this.qualityTimer = window.setInterval(() => void this.updateQuality(), 2_000);
  }

  stop(): void {
    window.clearInterval(this.speakingTimer);
    window.clearInterval(this.qualityTimer);
  }

  private async updateQuality(): Promise<void> {
    const ratings = await this.parts.receiver.quality();
    if (ratings) this.view()?.quality(ratings);
  }

  private async updateSpeaking(): Promise<void> {
    let loudest: ParticipantId | undefined;
    let level = SPEAKING_THRESHOLD;
    for (const [receiver, owner] of this.parts.receiver.audio()) {
      for (const source of receiver.getSynchronizationSources()) {
        if ((source.audioLevel ?? 0) > level) {
          level = source.audioLevel ?? 0;
          loudest = owner;
        }
      }
    }
    if (this.parts.media.audioOn) {
      const own = await this.parts.camera.audioLevel();
      if (own !== undefined && own > level) loudest = this.selfId();
    }
    this.view()?.speaking(loudest);
  }
}
