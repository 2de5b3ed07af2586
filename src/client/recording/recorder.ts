/**
 * Records the composed picture and the mixed sound with MediaRecorder (WebM,
 * VP8 or VP9 and Opus) in the recording moderator's browser, and saves the
 * file on their device when it stops (issue 16). Nothing is uploaded: the
 * pieces stay in this page's memory until the download.
 */
import { chooseMimeType, recordingFileName } from "./plan.js";

/** Pieces come every few seconds, so stopping never waits long for the last one. */
const SLICE_MS = 2_000;

export class MeetingRecorder {
  private readonly recorder: MediaRecorder;
  private readonly chunks: Blob[] = [];
  private readonly startedAt = new Date();
  private readonly stopped: Promise<Blob>;

  constructor(video: MediaStreamTrack, audio: MediaStreamTrack) {
    const mimeType = chooseMimeType((type) => MediaRecorder.isTypeSupported(type));
    this.recorder = new MediaRecorder(new MediaStream([video, audio]), mimeType ? { mimeType } : {});
    this.recorder.ondataavailable = (event) => {
      if (event.data.size) this.chunks.push(event.data);
    };
    this.stopped = new Promise((resolve) => {
      this.recorder.onstop = () => resolve(new Blob(this.chunks, { type: this.recorder.mimeType || "video/webm" }));
    });
    this.recorder.start(SLICE_MS);
  }

  get fileName(): string {
    return recordingFileName(this.startedAt);
  }

  /** Stops and resolves with the whole recording. */
  stop(): Promise<Blob> {
    if (this.recorder.state !== "inactive") this.recorder.stop();
    return this.stopped;
  }
}

/** Saves `blob` on this device as `name`: a download, from memory (a blob: address of this page). */
export function saveOnDevice(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has its copy once the click is handled; the page's memory is freed a little later.
  window.setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
