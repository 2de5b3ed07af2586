/**
 * The pre-join screen: camera preview, name, microphone and camera on/off,
 * device choice, and "Join".
 */
import type { LocalMedia } from "../media.js";
import { language, t } from "../i18n/index.js";
import { h } from "./dom.js";
import { cameraToggle, microphoneToggle } from "./controls.js";
import { languageSwitch } from "./language-switch.js";
import { DevicePicker } from "./device-picker.js";

const NAME_KEY = "treff.name";

export function prejoinScreen(media: LocalMedia, onJoin: (name: string) => void, redraw: () => void): HTMLElement {
  const preview = h("video", { autoplay: true, playsinline: true, class: "preview mirrored", "aria-hidden": "true" });
  preview.muted = true;
  preview.srcObject = media.stream;
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
    await devices.refresh();
  };
  const mic = microphoneToggle(() => void media.setAudio(!media.audioOn).then(refresh));
  const cam = cameraToggle(() => void media.setVideo(!media.videoOn).then(refresh));

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
        onJoin(value);
      },
    },
    h("label", { for: "display-name" }, t("name")),
    name,
    h("div", { class: "row toggles" }, mic.element, cam.element),
    devices.element,
    h("button", { type: "submit", class: "primary" }, t("join")),
  );
  void refresh();
  return h(
    "main",
    { class: "prejoin card" },
    languageSwitch(redraw),
    h("h1", {}, t("prejoinTitle")),
    h("div", { class: "prejoin-body" }, h("div", { class: "preview-box" }, preview), form),
    h("p", { class: "links" }, h("a", { href: `/privacy?lang=${language()}` }, t("privacy")), " · ", h("a", { href: "/check" }, t("checkConnection"))),
  );
}
