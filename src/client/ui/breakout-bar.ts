/**
 * The line over the stage while breakout rooms are open: which room this
 * person is in, the time left or the countdown to return, and "Ask for help"
 * and "Return to main room" where they apply. The countdown itself is a
 * timer (screen readers are not told every second); the start of the
 * countdown is a notice (toasts.ts) that they are told.
 */
import type { BreakoutControls, BreakoutInfo } from "../view.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { roomName } from "./breakout-panel.js";

export class BreakoutBar {
  readonly element: HTMLElement;
  private readonly where: HTMLElement;
  private readonly timer: HTMLElement;
  private readonly helpButton: HTMLButtonElement;
  private readonly returnButton: HTMLButtonElement;
  private info: BreakoutInfo | undefined;
  private ticking: number | undefined;

  constructor(controls: BreakoutControls, helpAsked: () => void) {
    this.where = h("span", { role: "status" });
    this.timer = h("span", { role: "timer", class: "breakout-timer" });
    this.helpButton = h("button", { type: "button", onclick: () => { controls.askForHelp(); helpAsked(); } }, t("breakoutAskHelp"));
    this.returnButton = h("button", { type: "button", onclick: () => controls.choose(null) }, t("breakoutReturn"));
    this.element = h("div", { class: "breakout-bar", hidden: true }, this.where, this.timer, this.helpButton, this.returnButton);
  }

  update(info: BreakoutInfo | undefined, moderator: boolean): void {
    this.info = info;
    const open = !!info && info.phase !== "planning";
    const inRoom = open && info.here !== null;
    this.element.hidden = !open || (!inRoom && !info.returnAt && !info.endsAt);
    this.where.textContent = inRoom ? t("breakoutYouAreIn", { room: roomName(info, info.here!) }) : open ? t(info.phase === "open" ? "breakoutStatusOpen" : "breakoutStatusClosing") : "";
    this.helpButton.hidden = !inRoom || moderator;
    this.returnButton.hidden = !inRoom || !(moderator || info.allowChoose) || info.phase !== "open";
    window.clearInterval(this.ticking);
    this.ticking = open && (info.endsAt || info.returnAt) ? window.setInterval(() => this.tick(), 1_000) : undefined;
    this.tick();
  }

  private tick(): void {
    const info = this.info;
    const left = (at: number | undefined) => (at === undefined ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1_000)));
    const returning = left(info?.returnAt);
    const ending = left(info?.endsAt);
    if (returning !== undefined) this.timer.textContent = t("breakoutReturnIn", { seconds: returning });
    else if (ending !== undefined) this.timer.textContent = t("breakoutTimeLeft", { time: `${Math.floor(ending / 60)}:${String(ending % 60).padStart(2, "0")}` });
    else this.timer.textContent = "";
  }
}
