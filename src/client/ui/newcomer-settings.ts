/**
 * For moderators, in the meeting settings: how people who join from now on
 * start (microphone muted, camera off; the server holds them to it until
 * they switch on themselves), and this device's knock sound.
 */
import type { NewcomerDefaults } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { knockSoundOn, playKnock, setKnockSound } from "./knock-sound.js";

export class NewcomerSettings {
  readonly element: HTMLElement;
  private readonly muted: HTMLInputElement;
  private readonly cameraOff: HTMLInputElement;

  constructor(set: (defaults: NewcomerDefaults) => void) {
    const send = () => set({ muteMicrophones: this.muted.checked, cameraOff: this.cameraOff.checked });
    this.muted = h("input", { type: "checkbox", id: "newcomers-muted", onchange: send });
    this.cameraOff = h("input", { type: "checkbox", id: "newcomers-camera-off", onchange: send });
    const sound = h("input", {
      type: "checkbox",
      id: "knock-sound",
      checked: knockSoundOn(),
      onchange: () => {
        setKnockSound(sound.checked);
        playKnock(); // what it sounds like
      },
    });
    const row = (input: HTMLInputElement, label: string) => h("div", { class: "check-row" }, input, h("label", { for: input.id }, label));
    this.element = h(
      "fieldset",
      { class: "newcomer-settings" },
      h("legend", {}, t("newcomersTitle")),
      row(this.muted, t("newcomersMuted")),
      row(this.cameraOff, t("newcomersCameraOff")),
      row(sound, t("knockSound")),
    );
  }

  update(defaults: NewcomerDefaults): void {
    this.muted.checked = defaults.muteMicrophones;
    this.cameraOff.checked = defaults.cameraOff;
  }
}
