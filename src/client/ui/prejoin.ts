/**
 * The pre-join screen: name, microphone and camera, device choice, and
 * "Join". Nothing is switched on until the person chooses (unless they
 * chose so before on this device, or the operator wants it): the preview
 * shows only once the camera is on. The privacy notice is linked before
 * any device opens.
 */
import type { LocalMedia } from "../media.js";
import type { DeviceKind } from "../storage.js";
import { language, t } from "../i18n/index.js";
import { h } from "./dom.js";
import { cameraToggle, microphoneToggle } from "./controls.js";
import { languageSwitch } from "./language-switch.js";
import { DevicePicker } from "./device-picker.js";
import { recordingNotice } from "./recording-view.js";

const NAME_KEY = "treff.name";

export interface PrejoinActions {
  join(name: string): void;
  /** The person switches a device on or off (main.ts remembers the choice). */
  toggle(kind: DeviceKind): Promise<void>;
  /** Draws the screen again (after a language change). */
  redraw(): void;
  /** Calls `show` with whether a recording runs in this meeting, now and when it changes (issue 16). */
  watchRecording?(show: (recording: boolean) => void): void;
}

export function prejoinScreen(media: LocalMedia, actions: PrejoinActions): HTMLElement {
  const preview = h("video", { autoplay: true, playsinline: true, class: "preview mirrored", "aria-hidden": "true" });
  preview.muted = true;
  preview.srcObject = media.stream;
  const cameraOff = h("p", { class: "camera-off-note" }, t("cameraIsOff"));
  const bothOff = h("p", { class: "muted-text media-note" }, t("mediaOffNote"));
  const name = h("input", {
    id: "display-name",
    name: "name",
    autocomplete: "name",
    maxlength: 64,
    required: true,
    placeholder: t("namePlaceholder"),
  });
  name.value = localStorage.getItem(NAME_KEY) ?? "";
  const devices = new DevicePicker(media, () => {}, undefined, "prejoin");
  const problem = devices.problem;
  const refresh = async () => {
    mic.set(media.audioOn);
    cam.set(media.videoOn);
    preview.hidden = !media.videoOn;
    cameraOff.hidden = media.videoOn;
    // Said only while it is true: the operator may start them on, or the person chose so before.
    bothOff.hidden = media.audioOn || media.videoOn;
    await devices.refresh();
  };
  const mic = microphoneToggle(() => void actions.toggle("audio").then(refresh), true);
  const cam = cameraToggle(() => void actions.toggle("video").then(refresh), true);

  const form = h(
    "form",
    {
      class: "prejoin-form",
      novalidate: true,
      onsubmit: (event: Event) => {
        event.preventDefault();
        const value = name.value.trim();
        if (!value) {
          problem.textContent = t("nameRequired");
          name.focus();
          return;
        }
        localStorage.setItem(NAME_KEY, value);
        devices.stop();
        actions.join(value);
      },
    },
    h("label", { for: "display-name" }, t("name")),
    name,
    h("div", { class: "row toggles" }, mic.element, cam.element),
    bothOff,
    devices.element,
    h("button", { type: "submit", class: "primary" }, t("join")),
  );
  void refresh();
  // Told before joining, not after: a recording runs here (issue 16).
  const recording = recordingNotice();
  actions.watchRecording?.(recording.set);
  return h(
    "main",
    { class: "prejoin card" },
    languageSwitch(actions.redraw),
    h("h1", {}, t("prejoinTitle")),
    recording.element,
    h("div", { class: "prejoin-body" }, h("div", { class: "preview-box" }, preview, cameraOff), form),
    h("p", { class: "links" }, h("a", { href: `/privacy?lang=${language()}` }, t("privacy")), " · ", h("a", { href: "/check" }, t("checkConnection"))),
  );
}
