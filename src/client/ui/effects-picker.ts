/**
 * Choosing a background effect (none, blur slight or strong, a bundled
 * picture): a group of radio buttons shown as small tiles, part of the
 * device picker on the pre-join screen (whose preview shows the result
 * live) and in the meeting's Devices panel. The choice is kept on this
 * device. Where the browser cannot run effects the group is not shown.
 */
import type { LocalMedia } from "../media.js";
import { effectId, VIDEO_EFFECTS, type VideoEffect } from "../effects/video-effect.js";
import { rememberVideoEffect } from "../storage.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";

function effectLabel(effect: VideoEffect): MessageKey {
  if (effect.kind === "none") return "effectNone";
  if (effect.kind === "blur") return effect.strength === "light" ? "effectBlurLight" : "effectBlurStrong";
  return effect.image === "dawn" ? "backgroundDawn" : effect.image === "forest" ? "backgroundForest" : "backgroundShelves";
}

export class EffectsPicker {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly inputs = new Map<string, HTMLInputElement>();

  constructor(
    private readonly media: LocalMedia,
    /** Called once the new effect is on (the meeting resends the video track). */
    private readonly changed: () => void,
    idPrefix: string,
  ) {
    this.status = h("p", { class: "muted-text effects-status", role: "status" });
    const tiles = VIDEO_EFFECTS.map((effect) => {
      const id = `${idPrefix}-effect-${effectId(effect)}`;
      const input = h("input", { type: "radio", name: `${idPrefix}-effect`, id, value: effectId(effect) });
      input.addEventListener("change", () => void this.choose(effect));
      this.inputs.set(effectId(effect), input);
      const picture =
        effect.kind === "image"
          ? h("img", { src: `/backgrounds/${effect.image}.svg`, alt: "", class: "effect-thumb" })
          : h("span", { class: `effect-thumb effect-${effectId(effect)}`, "aria-hidden": "true" });
      return h("label", { for: id, class: "effect-tile" }, input, picture, h("span", { class: "effect-name" }, t(effectLabel(effect))));
    });
    this.element = h(
      "fieldset",
      { class: "effects-picker", hidden: !media.effects },
      h("legend", {}, t("background")),
      h("div", { class: "effect-tiles" }, ...tiles),
      this.status,
    );
    media.onEffectStopped = () => {
      this.sync();
      this.status.textContent = t("effectTooSlow");
      this.changed();
    };
    this.sync();
  }

  /** Marks the effect that is on now. */
  sync(): void {
    const input = this.inputs.get(effectId(this.media.videoEffect));
    if (input) input.checked = true;
  }

  private async choose(effect: VideoEffect): Promise<void> {
    this.status.textContent = "";
    rememberVideoEffect(effectId(effect));
    await this.media.setVideoEffect(effect);
    this.changed();
  }
}
