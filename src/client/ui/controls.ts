/** The microphone and camera toggles, used on the pre-join screen and in the meeting. */
import { t, type MessageKey } from "../i18n/index.js";
import { h, icon, type IconName } from "./dom.js";

export interface Toggle {
  element: HTMLButtonElement;
  set(on: boolean): void;
}

function toggle(onIcon: IconName, offIcon: IconName, onLabel: MessageKey, offLabel: MessageKey, onClick: () => void): Toggle {
  const element = h("button", { type: "button", class: "control", onclick: onClick });
  return {
    element,
    set(on: boolean) {
      element.replaceChildren(icon(on ? onIcon : offIcon));
      element.setAttribute("aria-label", t(on ? onLabel : offLabel));
      element.title = t(on ? onLabel : offLabel);
      element.classList.toggle("off", !on);
    },
  };
}

export const microphoneToggle = (onClick: () => void) => toggle("mic", "micOff", "micOn", "micOff", onClick);
export const cameraToggle = (onClick: () => void) => toggle("cam", "camOff", "camOn", "camOff", onClick);
