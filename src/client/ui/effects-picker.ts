/**
 * Choosing a background effect (none, blur slight or strong, a bundled
 * picture, or one of the person's own): a group of radio buttons shown as
 * small tiles, part of the device picker on the pre-join screen (whose
 * preview shows the result live) and in the meeting's Devices panel. The
 * choice is kept on this device, except the own picture, which stays in the
 * page's memory only. Where the browser cannot run effects the group is not shown.
 */
import type { LocalMedia } from "../media.js";
import { effectId, OWN_PICTURE, VIDEO_EFFECTS, type VideoEffect } from "../effects/video-effect.js";
import { PictureError, readOwnPicture } from "../effects/own-picture.js";
import { rememberVideoEffect } from "../storage.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";

const OWN: VideoEffect = { kind: "image", image: OWN_PICTURE };

function effectLabel(effect: VideoEffect): MessageKey {
  if (effect.kind === "none") return "effectNone";
  if (effect.kind === "blur") return effect.strength === "light" ? "effectBlurLight" : "effectBlurStrong";
  if (effect.image === OWN_PICTURE) return "ownPicture";
  return effect.image === "dawn" ? "backgroundDawn" : effect.image === "forest" ? "backgroundForest" : "backgroundShelves";
}

export class EffectsPicker {
  readonly element: HTMLElement;
  private readonly status: HTMLElement;
  private readonly inputs = new Map<string, HTMLInputElement>();
  /** The own picture's tile: shown once there is one; its thumbnail is drawn from the picture in memory. */
  private readonly ownTile: HTMLElement;
  private readonly ownThumb: HTMLCanvasElement;
  private thumbOf: ImageBitmap | undefined;

  constructor(
    private readonly media: LocalMedia,
    /** Called once the new effect is on (the meeting resends the video track). */
    private readonly changed: () => void,
    idPrefix: string,
  ) {
    this.status = h("p", { class: "muted-text effects-status", role: "status" });
    const tile = (effect: VideoEffect, picture: HTMLElement) => {
      const id = `${idPrefix}-effect-${effectId(effect)}`;
      const input = h("input", { type: "radio", name: `${idPrefix}-effect`, id, value: effectId(effect) });
      input.addEventListener("change", () => void this.choose(effect));
      this.inputs.set(effectId(effect), input);
      return h("label", { for: id, class: "effect-tile" }, input, picture, h("span", { class: "effect-name" }, t(effectLabel(effect))));
    };
    const tiles = VIDEO_EFFECTS.map((effect) =>
      tile(effect, effect.kind === "image" ? h("img", { src: `/backgrounds/${effect.image}.svg`, alt: "", class: "effect-thumb" }) : h("span", { class: `effect-thumb effect-${effectId(effect)}`, "aria-hidden": "true" })),
    );
    this.ownThumb = h("canvas", { class: "effect-thumb", width: 160, height: 90, "aria-hidden": "true" });
    this.ownTile = tile(OWN, this.ownThumb);
    // The file picker: a file input covering its tile, named by the tile's text.
    const file = h("input", { type: "file", accept: "image/*", id: `${idPrefix}-effect-file` });
    file.addEventListener("change", () => {
      const picked = file.files?.[0];
      file.value = ""; // the same file may be picked again
      if (picked) void this.usePicture(picked);
    });
    const fileTile = h("label", { for: file.id, class: "effect-tile" }, file, h("span", { class: "effect-thumb effect-add", "aria-hidden": "true" }, "+"), h("span", { class: "effect-name" }, t("ownPictureChoose")));
    this.element = h(
      "fieldset",
      { class: "effects-picker", hidden: !media.effects },
      h("legend", {}, t("background")),
      h("div", { class: "effect-tiles" }, ...tiles, this.ownTile, fileTile),
      this.status,
    );
    media.onEffectStopped = () => {
      this.sync();
      this.status.textContent = t("effectTooSlow");
      this.changed();
    };
    this.sync();
  }

  /** Marks the effect that is on now (and shows the own picture, if there is one). */
  sync(): void {
    const own = this.media.effects?.ownPicture;
    this.ownTile.hidden = !own;
    if (own && own !== this.thumbOf) {
      this.thumbOf = own;
      this.ownThumb.getContext("2d")?.drawImage(own, 0, 0, this.ownThumb.width, this.ownThumb.height);
    }
    const input = this.inputs.get(effectId(this.media.videoEffect));
    if (input) input.checked = true;
  }

  /** Reads the picked file into memory and puts it behind the person; a file that cannot be a picture is explained. */
  private async usePicture(file: File): Promise<void> {
    const effects = this.media.effects;
    if (!effects) return;
    try {
      const picture = await readOwnPicture(file);
      effects.ownPicture?.close();
      effects.ownPicture = picture;
    } catch (error) {
      this.status.textContent = t(error instanceof PictureError && error.problem === "too-large" ? "ownPictureTooLarge" : "ownPictureNotAPicture");
      return;
    }
    this.sync();
    this.inputs.get(effectId(OWN))!.checked = true;
    await this.choose(OWN);
  }

  private async choose(effect: VideoEffect): Promise<void> {
    this.status.textContent = "";
    // The own picture is not kept, so neither is the choice of it: the kept one stays as it was.
    if (effect.kind !== "image" || effect.image !== OWN_PICTURE) rememberVideoEffect(effectId(effect));
    await this.media.setVideoEffect(effect);
    this.changed();
  }
}
