/**
 * Brief notices over the stage — someone knocks, a hand goes up, a screen
 * share starts — with the action in them where there is one ("Let in").
 * Screen readers hear each as it appears (a polite live region). A notice
 * stays while the pointer or the focus is on it; what it offers is always
 * reachable elsewhere too (the lobby panel, the people list), so nothing is
 * lost when it goes.
 */
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { icon } from "./icons.js";

export interface ToastAction {
  label: string;
  run(): void;
  primary?: boolean;
}

const SHOWN_MS = 6_000;

export class Toasts {
  readonly element: HTMLElement;
  private readonly byKey = new Map<string, HTMLElement>();

  constructor() {
    this.element = h("div", { class: "toasts", "aria-live": "polite", "aria-relevant": "additions" });
  }

  /**
   * Shows `text` for a few seconds (`ms`), with buttons that act and close it.
   * A `key` replaces an earlier notice with the same key, and lets `dismiss` take it away.
   */
  show(text: string, options: { actions?: ToastAction[]; key?: string; ms?: number } = {}): void {
    if (options.key) this.dismiss(options.key);
    const close = () => {
      window.clearTimeout(timer);
      toast.remove();
      if (options.key && this.byKey.get(options.key) === toast) this.byKey.delete(options.key);
    };
    const buttons = (options.actions ?? []).map((action) =>
      h("button", { type: "button", class: action.primary ? "primary" : undefined, onclick: () => { close(); action.run(); } }, action.label),
    );
    // A group named by its text, so "Let in" in it is clear without seeing it.
    const toast = h(
      "div",
      { class: "toast", role: "group", "aria-label": text },
      h("p", {}, text),
      buttons.length ? h("div", { class: "toast-actions" }, ...buttons) : null,
      h("button", { type: "button", class: "toast-close", "aria-label": t("dismiss"), title: t("dismiss"), onclick: close }, icon("close")),
    );
    let timer = 0;
    const start = () => (timer = window.setTimeout(close, options.ms ?? SHOWN_MS));
    // Reading or reaching for a notice keeps it.
    const hold = () => window.clearTimeout(timer);
    const resume = () => {
      if (!toast.matches(":hover, :focus-within")) start();
    };
    toast.addEventListener("pointerenter", hold);
    toast.addEventListener("focusin", hold);
    toast.addEventListener("pointerleave", resume);
    toast.addEventListener("focusout", () => window.setTimeout(resume, 0));
    if (options.key) this.byKey.set(options.key, toast);
    this.element.append(toast);
    start();
  }

  /** Takes the notice with `key` away (it is no longer true: the guest was let in elsewhere). */
  dismiss(key: string): void {
    this.byKey.get(key)?.remove();
    this.byKey.delete(key);
  }
}
