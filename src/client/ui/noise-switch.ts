/**
 * Switching noise suppression on or off: one checkbox under the microphone,
 * in the device picker (pre-join screen and the meeting's Devices panel),
 * with a line that says when this device could not keep up and it went off.
 * The person's choice is kept on this device. Where the browser has no
 * AudioWorklet the switch is not shown.
 */
import type { LocalMedia } from "../media.js";
import { rememberNoiseSuppression } from "../storage.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";

export class NoiseSwitch {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly status: HTMLElement;

  constructor(
    private readonly media: LocalMedia,
    /** Called once the microphone's new track is in the stream (the meeting resends it). */
    private readonly changed: () => void,
    idPrefix: string,
  ) {
    const id = `${idPrefix}-noise-suppression`;
    this.input = h("input", { type: "checkbox", id, "aria-describedby": `${id}-hint` });
    this.input.addEventListener("change", () => void this.choose(this.input.checked));
    this.status = h("p", { class: "muted-text noise-status", id: `${id}-hint`, role: "status" });
    this.element = h("div", { class: "noise-switch", hidden: !media.noise }, h("div", { class: "check-row" }, this.input, h("label", { for: id }, t("noiseSuppression"))), this.status);
    media.onNoiseChanged = (msPerSecond) => {
      this.sync();
      if (msPerSecond !== undefined) this.status.textContent = t("noiseTooSlow");
      this.changed();
    };
    this.sync();
  }

  sync(): void {
    this.input.checked = this.media.noiseSuppression;
  }

  private async choose(on: boolean): Promise<void> {
    this.status.textContent = "";
    rememberNoiseSuppression(on);
    await this.media.setNoiseSuppression(on);
    this.changed();
  }
}
