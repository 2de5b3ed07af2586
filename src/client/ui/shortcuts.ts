/**
 * Keyboard shortcuts in the meeting — M microphone, V camera, H hand,
 * C chat, ? this list — and the dialog that lists them. Keys typed into a
 * text field are left alone.
 */
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";

export interface ShortcutActions {
  toggleAudio(): void;
  toggleVideo(): void;
  toggleHand(): void;
  toggleChat(): void;
  help(): void;
}

const KEYS: [string, keyof ShortcutActions, MessageKey][] = [
  ["M", "toggleAudio", "shortcutMic"],
  ["V", "toggleVideo", "shortcutCamera"],
  ["H", "toggleHand", "shortcutHand"],
  ["C", "toggleChat", "shortcutChat"],
  ["?", "help", "shortcutHelp"],
];

let installed: ((event: KeyboardEvent) => void) | undefined;

export function installShortcuts(actions: ShortcutActions): void {
  if (installed) document.removeEventListener("keydown", installed);
  installed = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target as HTMLElement | null;
    if (target?.closest("input, textarea, select, [contenteditable]")) return;
    const entry = KEYS.find(([key]) => key === event.key.toUpperCase() || key === event.key);
    if (!entry) return;
    event.preventDefault();
    actions[entry[1]]();
  };
  document.addEventListener("keydown", installed);
}

export class ShortcutHelp {
  readonly dialog: HTMLDialogElement;

  constructor() {
    this.dialog = h(
      "dialog",
      { class: "shortcuts", "aria-labelledby": "shortcuts-title" },
      h("h2", { id: "shortcuts-title" }, t("shortcuts")),
      h("dl", {}, ...KEYS.flatMap(([key, , text]) => [h("dt", {}, h("kbd", {}, key)), h("dd", {}, t(text))])),
      h("form", { method: "dialog" }, h("button", { type: "submit", class: "primary" }, t("close"))),
    );
  }

  open(): void {
    if (!this.dialog.open) this.dialog.showModal();
  }
}
