/**
 * The round icon buttons of the meeting's bar and the pre-join screen: an
 * icon with a short visible label under it (shown where there is room), and
 * an accessible name that contains the label (WCAG 2.5.3), e.g. "Mic" and
 * "Turn off microphone". The microphone and camera toggles are used on both screens.
 */
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon, type IconName } from "./icons.js";

export interface ControlButton {
  element: HTMLButtonElement;
  /** Sets the icon, the visible label and the accessible name. */
  show(iconName: IconName, label: string, name: string): void;
  /** A small visible number on the button (unread messages, people waiting); 0 hides it. */
  count(n: number): void;
}

export function controlButton(className: string, onClick: () => void): ControlButton {
  const iconSlot = h("span", { class: "icon" });
  const label = h("span", { class: "label", "aria-hidden": "true" });
  const element = h("button", { type: "button", class: `control ${className}`, onclick: onClick }, iconSlot, label);
  return {
    element,
    show(iconName, text, name) {
      iconSlot.replaceChildren(icon(iconName));
      label.textContent = text;
      element.setAttribute("aria-label", name);
      element.title = name;
    },
    // Drawn by the style sheet from the attribute: the number is in the accessible name in words
    // ("People (3)", "Chat, 2 unread"), and visible text must stay part of that name (WCAG 2.5.3).
    count(n) {
      if (n) element.dataset.count = String(n);
      else delete element.dataset.count;
    },
  };
}

export interface Toggle {
  element: HTMLButtonElement;
  set(on: boolean): void;
}

/** `spelledOut`: the visible label is the whole name ("Turn on camera"), as on the pre-join screen. */
function toggle(onIcon: IconName, offIcon: IconName, label: MessageKey, onName: MessageKey, offName: MessageKey, onClick: () => void, spelledOut: boolean): Toggle {
  const button = controlButton("toggle", onClick);
  return {
    element: button.element,
    set(on: boolean) {
      const name = t(on ? onName : offName);
      button.show(on ? onIcon : offIcon, spelledOut ? name : t(label), name);
      button.element.classList.toggle("off", !on);
    },
  };
}

export const microphoneToggle = (onClick: () => void, spelledOut = false) => toggle("mic", "micOff", "micLabel", "micOn", "micOff", onClick, spelledOut);
export const cameraToggle = (onClick: () => void, spelledOut = false) => toggle("cam", "camOff", "camLabel", "camOn", "camOff", onClick, spelledOut);
