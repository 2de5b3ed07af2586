/**
 * Choosing camera, microphone and speaker, with a live microphone level —
 * the same control on the pre-join screen and in the meeting's "Devices"
 * panel. A device that is missing, blocked or in use is explained in plain
 * words, with what to do.
 */
import type { LocalMedia } from "../media.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { EffectsPicker } from "./effects-picker.js";
import { NoiseSwitch } from "./noise-switch.js";

const PROBLEM_TEXT: Record<string, MessageKey> = { blocked: "deviceBlocked", missing: "noDevice", "in-use": "deviceInUse" };

/** The speaker chosen for remote audio (applied by whoever plays audio). */
export type SpeakerChoice = (deviceId: string) => void;

export class DevicePicker {
  readonly element: HTMLElement;
  readonly problem: HTMLElement;
  private readonly camera: HTMLSelectElement;
  private readonly microphone: HTMLSelectElement;
  private readonly speaker: HTMLSelectElement;
  private readonly speakerLabel: HTMLElement;
  private readonly meter: HTMLMeterElement;
  private readonly effects: EffectsPicker;
  private readonly noise: NoiseSwitch;
  private levelTimer: number | undefined;
  private analyser: { context: AudioContext; node: AnalyserNode; track: MediaStreamTrack } | undefined;

  constructor(
    private readonly media: LocalMedia,
    /** Called after a device changed (the meeting swaps the track it sends). */
    private readonly changed: () => void,
    onSpeaker?: SpeakerChoice,
    idPrefix = "device",
  ) {
    const id = (name: string) => `${idPrefix}-${name}`;
    this.camera = h("select", { id: id("camera") });
    this.microphone = h("select", { id: id("microphone") });
    this.speaker = h("select", { id: id("speaker") });
    this.meter = h("meter", { id: id("level"), min: 0, max: 1, low: 0.3, high: 0.8, value: 0 });
    this.problem = h("p", { class: "error", role: "alert" });
    this.effects = new EffectsPicker(media, () => this.changed(), idPrefix);
    // Both resend, then refresh: the level meter follows the track now sent.
    this.noise = new NoiseSwitch(media, () => void this.refresh().then(() => this.changed()), idPrefix);
    this.speakerLabel = h("label", { for: id("speaker") }, t("speaker"));
    this.camera.addEventListener("change", () => void this.choose("video", this.camera.value));
    this.microphone.addEventListener("change", () => void this.choose("audio", this.microphone.value));
    this.speaker.addEventListener("change", () => onSpeaker?.(this.speaker.value));
    // Choosing the speaker needs setSinkId (Chromium, Firefox); elsewhere the system decides.
    const canChooseSpeaker = onSpeaker !== undefined && "setSinkId" in HTMLMediaElement.prototype;
    this.element = h(
      "div",
      { class: "device-picker" },
      h("label", { for: id("camera") }, t("camera")),
      this.camera,
      this.effects.element,
      h("label", { for: id("microphone") }, t("microphone")),
      this.microphone,
      h("label", { for: id("level") }, t("microphoneLevel")),
      this.meter,
      this.noise.element,
      canChooseSpeaker && this.speakerLabel,
      canChooseSpeaker && this.speaker,
      this.problem,
    );
    navigator.mediaDevices?.addEventListener?.("devicechange", () => void this.refresh());
  }

  /** Re-reads the devices and the current state (after a toggle or a device change). */
  async refresh(): Promise<void> {
    this.problem.textContent = this.media.problem ? t(PROBLEM_TEXT[this.media.problem]!) : "";
    const devices = await this.media.devices();
    this.effects.sync();
    this.noise.sync();
    fill(this.camera, devices.filter((d) => d.kind === "videoinput"), this.media.cameraDeviceId);
    fill(this.microphone, devices.filter((d) => d.kind === "audioinput"), this.media.audioTrack?.getSettings().deviceId);
    fill(this.speaker, devices.filter((d) => d.kind === "audiooutput"), this.speaker.value);
    this.watchLevel();
  }

  stop(): void {
    window.clearInterval(this.levelTimer);
    void this.analyser?.context.close();
    this.analyser = undefined;
  }

  private async choose(kind: "audio" | "video", deviceId: string): Promise<void> {
    await this.media.selectDevice(kind, deviceId);
    await this.refresh();
    this.changed();
  }

  /** The meter follows the microphone that is open now. */
  private watchLevel(): void {
    const track = this.media.audioOn ? this.media.audioTrack : undefined;
    if (this.analyser?.track === track) return;
    this.stop();
    this.meter.value = 0;
    if (!track || typeof AudioContext === "undefined") return;
    const context = new AudioContext();
    const node = context.createAnalyser();
    node.fftSize = 512;
    context.createMediaStreamSource(new MediaStream([track])).connect(node);
    this.analyser = { context, node, track };
    const samples = new Float32Array(node.fftSize);
    this.levelTimer = window.setInterval(() => {
      node.getFloatTimeDomainData(samples);
      let peak = 0;
      for (const s of samples) peak = Math.max(peak, Math.abs(s));
      this.meter.value = Math.min(1, peak * 2);
    }, 100);
  }
}

function fill(select: HTMLSelectElement, devices: MediaDeviceInfo[], selected: string | undefined): void {
  select.replaceChildren(
    ...devices.map((d, i) => {
      const option = h("option", { value: d.deviceId }, d.label || `${t("defaultDevice")} ${i + 1}`);
      option.selected = d.deviceId === selected;
      return option;
    }),
  );
  select.disabled = devices.length === 0;
}
