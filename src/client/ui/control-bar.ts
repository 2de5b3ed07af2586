/**
 * The meeting's control bar: microphone, camera and leave; screen sharing,
 * speaker view, hand, reactions, the side panels' buttons and the shortcut
 * help.
 */
import type { Participant, Reaction } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { h, icon } from "./dom.js";
import { cameraToggle, microphoneToggle, type Toggle } from "./controls.js";
import { reactionButtons } from "./reactions.js";
import type { PanelToggle } from "./panel-toggle.js";

export interface BarActions {
  toggleAudio(): void;
  toggleVideo(): void;
  leave(): void;
  toggleShare(): void;
  toggleSpeakerView(): void;
  toggleHand(): void;
  react(reaction: Reaction): void;
}

export class ControlBar {
  readonly element: HTMLElement;
  private readonly mic: Toggle;
  private readonly cam: Toggle;
  private readonly handButton: HTMLButtonElement;
  private readonly shareButton: HTMLButtonElement;
  private readonly viewButton: HTMLButtonElement;

  constructor(actions: BarActions, panels: PanelToggle[], help: HTMLButtonElement) {
    this.mic = microphoneToggle(actions.toggleAudio);
    this.cam = cameraToggle(actions.toggleVideo);
    const leave = h("button", { type: "button", class: "control leave", "aria-label": t("leave"), title: t("leave"), onclick: actions.leave }, icon("leave"));
    this.handButton = h("button", { type: "button", class: "panel-toggle", "aria-pressed": "false", onclick: actions.toggleHand }, t("raiseHand"));
    const reactions = h("details", { class: "reactions" }, h("summary", {}, t("reactions")), h("div", { class: "menu" }, ...reactionButtons(actions.react)));
    this.shareButton = h("button", { type: "button", class: "panel-toggle", "aria-pressed": "false", onclick: actions.toggleShare }, t("shareScreen"));
    this.viewButton = h("button", { type: "button", class: "panel-toggle", "aria-pressed": "false", onclick: actions.toggleSpeakerView }, t("speakerView"));
    this.element = h(
      "div",
      { class: "bar", role: "toolbar", "aria-label": t("meetingControls") },
      this.mic.element,
      this.cam.element,
      leave,
      h("div", { class: "panel-toggles" }, this.shareButton, this.viewButton, this.handButton, reactions, ...panels.map((p) => p.button), help),
    );
  }

  /** Microphone and camera as they are now. */
  sync(audioOn: boolean, videoOn: boolean): void {
    this.mic.set(audioOn);
    this.cam.set(videoOn);
  }

  /** Hand and screen share as the person's own record says. */
  update(self: Participant): void {
    this.handButton.textContent = t(self.hand === null ? "raiseHand" : "lowerHand");
    this.handButton.setAttribute("aria-pressed", String(self.hand !== null));
    this.shareButton.textContent = t(self.screen ? "stopSharing" : "shareScreen");
    this.shareButton.setAttribute("aria-pressed", String(self.screen));
  }

  speakerView(on: boolean): void {
    this.viewButton.textContent = t(on ? "gridView" : "speakerView");
    this.viewButton.setAttribute("aria-pressed", String(on));
  }
}
