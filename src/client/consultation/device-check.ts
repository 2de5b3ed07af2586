/**
 * The consultation's device check, on the patient's page and the third person's: opens camera and
 * microphone, shows the picture and says whether both work. The tracks it opened are the ones the
 * call then gets (a new check closes the previous ones first).
 */
import { t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { openLocalMedia } from "./call-session.js";

export interface DeviceCheck {
  element: HTMLElement;
  /** What the last check opened; undefined until the person ran one. */
  readonly opened: { stream: MediaStream; ok: boolean } | undefined;
}

export function deviceCheck(): DeviceCheck {
  let opened: { stream: MediaStream; ok: boolean } | undefined;
  const preview = h("video", { autoplay: true, playsinline: true, class: "preview mirrored", "aria-hidden": "true", hidden: true });
  preview.muted = true;
  const status = h("p", { role: "status" });
  const check = h("button", { type: "button" }, t("cCheckDevices"));
  check.onclick = async () => {
    for (const track of opened?.stream.getTracks() ?? []) track.stop();
    opened = await openLocalMedia();
    preview.srcObject = opened.stream;
    preview.hidden = opened.stream.getVideoTracks().length === 0;
    status.textContent = t(opened.ok ? "cDevicesOk" : "cDevicesFailed");
  };
  return {
    element: h("div", { class: "consult-field" }, check, status, preview),
    get opened() {
      return opened;
    },
  };
}
