/**
 * This participant's camera and microphone: opening them, switching them
 * on and off, choosing devices, and saying in plain words what went wrong.
 * One MediaStream object lives for the whole page; tracks come and go in it.
 */
import { NO_EFFECT, type VideoEffect } from "./effects/video-effect.js";
import { VideoEffects } from "./effects/video-effects.js";
import { NoiseSuppression } from "./audio/noise-suppression.js";

export type DeviceProblem = "blocked" | "missing" | "in-use";

/**
 * 960×540: 16:9 like the tiles, and the smallest size from which Chromium
 * sends all three simulcast layers; from a 640×480 camera it sends only two,
 * and small tiles could not get a small layer. The layers themselves are
 * 640×360 and smaller (rtc/publisher.ts).
 */
const VIDEO_CONSTRAINTS: MediaTrackConstraints = { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 24 } };

export class LocalMedia {
  readonly stream = new MediaStream();
  audioOn = true;
  videoOn = true;
  audioDeviceId: string | undefined;
  videoDeviceId: string | undefined;
  problem: DeviceProblem | undefined;
  /** The camera's own track; with a background effect on, `stream` holds the effect's output instead. */
  private camera: MediaStreamTrack | undefined;
  /** The background effect chosen (see setVideoEffect); none where the browser cannot run effects. */
  videoEffect: VideoEffect = NO_EFFECT;
  readonly effects = VideoEffects.supported()
    ? new VideoEffects({
        overloaded: (averageMs) => void this.effectStopped(averageMs),
        failed: () => {},
      })
    : undefined;
  /** Told when this device could not keep up and the effect was switched off (the picker says so and resends). */
  onEffectStopped: ((averageMs: number) => void) | undefined;

  // Noise suppression (audio/noise-suppression.ts): the microphone's sound through RNNoise before it is sent.
  /** The microphone's own track; with noise suppression on, `stream` holds the denoised track instead. */
  private microphone: MediaStreamTrack | undefined;
  /** Whether the person wants noise suppression (on unless they chose otherwise on this device). */
  noiseSuppression = true;
  readonly noise = NoiseSuppression.supported()
    ? new NoiseSuppression({
        overloaded: (msPerSecond) => void this.noiseStopped(msPerSecond),
        running: () => void this.showMicrophone().then(() => this.onNoiseChanged?.(undefined)),
      })
    : undefined;
  /**
   * Told when the microphone's track in `stream` changed by itself (the denoised one took over, or
   * this device could not keep up: `msPerSecond` then says how much work it was); the devices panel resends.
   */
  onNoiseChanged: ((msPerSecond: number | undefined) => void) | undefined;

  /**
   * Where tracks come from: the browser's capture. A page that holds open tracks already (the
   * consultation's direct call, moving to a room with a third person) hands over copies instead.
   */
  capture = (kind: "audio" | "video", constraints: MediaTrackConstraints): Promise<MediaStream> => navigator.mediaDevices.getUserMedia({ [kind]: constraints });

  /** The camera device in use (the effect's track has none of its own). */
  get cameraDeviceId(): string | undefined {
    return this.camera?.getSettings().deviceId;
  }

  get audioTrack(): MediaStreamTrack | undefined {
    return this.stream.getAudioTracks()[0];
  }

  get videoTrack(): MediaStreamTrack | undefined {
    return this.stream.getVideoTracks()[0];
  }

  /** Opens microphone and camera (whichever is on). Never throws: problems land in `problem`. */
  async open(): Promise<void> {
    if (this.audioOn) await this.acquire("audio");
    if (this.videoOn) await this.acquire("video");
  }

  async setAudio(on: boolean): Promise<void> {
    this.audioOn = on;
    if (on && !this.audioTrack) await this.acquire("audio");
    // A muted microphone keeps its track (disabled) so unmuting is instant.
    if (this.audioTrack) this.audioTrack.enabled = on;
  }

  async setVideo(on: boolean): Promise<void> {
    this.videoOn = on;
    if (on) await this.acquire("video");
    else this.release("video"); // the camera light goes off
  }

  async selectDevice(kind: "audio" | "video", deviceId: string): Promise<void> {
    if (kind === "audio") this.audioDeviceId = deviceId;
    else this.videoDeviceId = deviceId;
    if (kind === "audio" ? this.audioOn : this.videoOn) {
      this.release(kind);
      await this.acquire(kind);
      if (kind === "audio" && this.audioTrack) this.audioTrack.enabled = this.audioOn;
    }
  }

  /**
   * Blurs or replaces the background from now on (or stops doing so). The caller resends the
   * video track afterwards (it changes when an effect starts or ends, not between two effects).
   */
  async setVideoEffect(effect: VideoEffect): Promise<void> {
    const before = this.videoEffect;
    this.videoEffect = this.effects ? effect : NO_EFFECT;
    if (!this.camera || !this.effects) return;
    if (before.kind !== "none" && this.videoEffect.kind !== "none") return this.effects.change(this.videoEffect);
    await this.showCamera(this.camera);
  }

  /** Switches noise suppression on or off; the caller resends the microphone track afterwards. */
  async setNoiseSuppression(on: boolean): Promise<void> {
    this.noiseSuppression = on;
    await this.showMicrophone();
  }

  async devices(): Promise<MediaDeviceInfo[]> {
    return navigator.mediaDevices?.enumerateDevices().catch(() => []) ?? [];
  }

  stop(): void {
    this.release("audio");
    this.release("video");
  }

  private async acquire(kind: "audio" | "video"): Promise<void> {
    const deviceId = kind === "audio" ? this.audioDeviceId : this.videoDeviceId;
    const constraints: MediaTrackConstraints = {
      ...(kind === "video" ? VIDEO_CONSTRAINTS : { echoCancellation: true, noiseSuppression: true }),
      ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
    };
    try {
      if (!navigator.mediaDevices) throw Object.assign(new Error("no media devices"), { name: "NotFoundError" });
      const stream = await this.capture(kind, constraints);
      this.release(kind);
      // Only the kind just opened changes: opening the camera leaves the microphone as it is.
      const microphone = stream.getAudioTracks()[0];
      if (microphone) {
        this.microphone = microphone;
        await this.showMicrophone();
      }
      const camera = stream.getVideoTracks()[0];
      if (camera) await this.showCamera(camera);
      this.problem = undefined;
    } catch (error) {
      this.problem = problemOf(error);
      if (kind === "audio") this.audioOn = false;
      else this.videoOn = false;
    }
  }

  /** Puts the camera's picture into the stream: as it is, or through the background effect. */
  private async showCamera(camera: MediaStreamTrack): Promise<void> {
    this.camera = camera;
    this.effects?.detach();
    const output = this.videoEffect.kind !== "none" && this.effects ? await this.effects.attach(camera, this.videoEffect) : camera;
    for (const track of this.stream.getVideoTracks()) {
      if (track === output) continue;
      this.stream.removeTrack(track);
      if (track !== camera) track.stop();
    }
    if (!this.stream.getVideoTracks().includes(output)) this.stream.addTrack(output);
  }

  /**
   * Puts the microphone's sound into the stream: denoised where chosen and possible, else as it
   * is. The mute state carries over to the new track (a muted microphone sends a disabled track).
   */
  private async showMicrophone(): Promise<void> {
    const microphone = this.microphone;
    if (!microphone) return;
    const denoised = this.noiseSuppression && this.noise ? await this.noise.attach(microphone).catch(() => undefined) : undefined;
    if (!denoised) this.noise?.detach();
    if (this.microphone !== microphone) return; // the device changed meanwhile
    const output = denoised ?? microphone;
    const enabled = this.audioTrack?.enabled ?? this.audioOn;
    for (const track of this.stream.getAudioTracks()) {
      if (track === output) continue;
      this.stream.removeTrack(track);
      if (track !== microphone) track.stop();
    }
    // The denoised track carries the mute; the microphone itself keeps feeding it.
    microphone.enabled = output === microphone ? enabled : true;
    output.enabled = enabled;
    if (!this.stream.getAudioTracks().includes(output)) this.stream.addTrack(output);
  }

  /** The device could not keep up with noise suppression: the microphone goes out as it is, and the person is told. */
  private async noiseStopped(msPerSecond: number): Promise<void> {
    this.noiseSuppression = false;
    await this.showMicrophone();
    this.onNoiseChanged?.(msPerSecond);
  }

  /** The device could not keep up: the camera goes out as it is again, and the person is told. */
  private async effectStopped(averageMs: number): Promise<void> {
    this.videoEffect = NO_EFFECT;
    if (this.camera) await this.showCamera(this.camera);
    this.onEffectStopped?.(averageMs);
  }

  private release(kind: "audio" | "video"): void {
    if (kind === "video") {
      this.effects?.detach();
      this.camera?.stop();
      this.camera = undefined;
    } else {
      this.noise?.detach();
      this.microphone?.stop();
      this.microphone = undefined;
    }
    for (const track of kind === "audio" ? this.stream.getAudioTracks() : this.stream.getVideoTracks()) {
      track.stop();
      this.stream.removeTrack(track);
    }
  }
}

function problemOf(error: unknown): DeviceProblem {
  const name = error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "blocked";
  if (name === "NotReadableError" || name === "AbortError") return "in-use";
  return "missing";
}
