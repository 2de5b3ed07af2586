/**
 * The pre-join screen: camera preview, name, microphone and camera on/off,
 * device choice, and "Join".
 */
import type { LocalMedia } from "../media.js";
import { language, t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { cameraToggle, microphoneToggle } from "./controls.js";
import { languageSwitch } from "./language-switch.js";

const PROBLEM_TEXT: Record<string, MessageKey> = { blocked: "deviceBlocked", missing: "noDevice", "in-use": "deviceInUse" };
const NAME_KEY = "treff.name";

export function prejoinScreen(media: LocalMedia, onJoin: (name: string) => void, redraw: () => void): HTMLElement {
  const preview = h("video", { autoplay: true, playsinline: true, class: "preview mirrored", "aria-hidden": "true" });
  preview.muted = true;
  preview.srcObject = media.stream;
  const problem = h("p", { class: "error", role: "alert" });
  const name = h("input", {
    id: "display-name",
    name: "name",
    autocomplete: "name",
    maxlength: 64,
    required: true,
    placeholder: t("namePlaceholder"),
  });
  name.value = localStorage.getItem(NAME_KEY) ?? "";
  const cameraSelect = h("select", { id: "camera-select" });
  const micSelect = h("select", { id: "mic-select" });

  const refresh = async () => {
    mic.set(media.audioOn);
    cam.set(media.videoOn);
    preview.hidden = !media.videoOn;
    problem.textContent = media.problem ? t(PROBLEM_TEXT[media.problem]!) : "";
    const devices = await media.devices();
    fillSelect(cameraSelect, devices.filter((d) => d.kind === "videoinput"), media.videoTrack?.getSettings().deviceId);
    fillSelect(micSelect, devices.filter((d) => d.kind === "audioinput"), media.audioTrack?.getSettings().deviceId);
  };
  const mic = microphoneToggle(() => void media.setAudio(!media.audioOn).then(refresh));
  const cam = cameraToggle(() => void media.setVideo(!media.videoOn).then(refresh));
  cameraSelect.addEventListener("change", () => void media.selectDevice("video", cameraSelect.value).then(refresh));
  micSelect.addEventListener("change", () => void media.selectDevice("audio", micSelect.value).then(refresh));

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
        onJoin(value);
      },
    },
    h("label", { for: "display-name" }, t("name")),
    name,
    h("div", { class: "row toggles" }, mic.element, cam.element),
    h("label", { for: "camera-select" }, t("camera")),
    cameraSelect,
    h("label", { for: "mic-select" }, t("microphone")),
    micSelect,
    problem,
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

function fillSelect(select: HTMLSelectElement, devices: MediaDeviceInfo[], selected: string | undefined): void {
  select.replaceChildren(
    ...devices.map((d, i) => {
      const option = h("option", { value: d.deviceId }, d.label || `${t("defaultDevice")} ${i + 1}`);
      option.selected = d.deviceId === selected;
      return option;
    }),
  );
  select.disabled = devices.length === 0;
}
