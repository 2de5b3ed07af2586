/**
 * The meeting's bar, one row on every screen: the controls used all the
 * time — microphone, camera, screen sharing (where the browser can share),
 * reactions with the hand, More, leave — and at its side the buttons of the
 * two panels used all the time, chat and people. Everything else is in More
 * (more-menu.ts), so new features never widen the bar. Icons carry short
 * labels where there is room; every button has a full accessible name.
 */
import type { Participant, Reaction } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { cameraToggle, controlButton, microphoneToggle, type ControlButton, type Toggle } from "./controls.js";
import { reactionButtons } from "./reactions.js";
import { Popover } from "./popover.js";
import type { MoreMenu } from "./more-menu.js";

export interface BarActions {
  toggleAudio(): void;
  toggleVideo(): void;
  leave(): void;
  /** Undefined where the browser cannot share a screen (phones): then there is no button. */
  toggleShare: (() => void) | undefined;
  toggleHand(): void;
  react(reaction: Reaction): void;
}

export class ControlBar {
  readonly element: HTMLElement;
  /** The bar's popovers, to be placed outside the toolbar. */
  readonly dialogs: HTMLDialogElement[];
  private readonly mic: Toggle;
  private readonly cam: Toggle;
  private readonly share: ControlButton | undefined;
  private readonly reactions: ControlButton;
  private readonly handButton: HTMLButtonElement;
  private readonly reactionsPopover: Popover;

  constructor(actions: BarActions, more: MoreMenu, panelButtons: ControlButton[]) {
    this.mic = microphoneToggle(actions.toggleAudio);
    this.cam = cameraToggle(actions.toggleVideo);
    const shareAction = actions.toggleShare;
    this.share = shareAction ? controlButton("share in-meeting", shareAction) : undefined;
    this.share?.show("screen", t("shareLabel"), t("shareScreen"));
    this.share?.element.setAttribute("aria-pressed", "false");
    // Raising the hand sits with the reactions, as in Zoom; H raises it from anywhere.
    this.handButton = h("button", { type: "button", class: "hand-toggle", "aria-pressed": "false", onclick: () => {
      this.reactionsPopover.close();
      actions.toggleHand();
    } }, h("span", { "aria-hidden": "true" }, "✋"), h("span", { class: "hand-label" }, t("raiseHand")));
    const react = (reaction: Reaction) => {
      this.reactionsPopover.close();
      actions.react(reaction);
    };
    this.reactionsPopover = new Popover("reactions-menu", t("reactions"), h("div", { class: "reaction-buttons" }, ...reactionButtons(react)), this.handButton);
    this.reactions = controlButton("reactions in-meeting", () => {});
    this.reactions.show("smile", t("reactions"), t("reactions"));
    this.reactionsPopover.attach(this.reactions.element);
    const leave = controlButton("leave", actions.leave);
    leave.show("leave", t("leaveLabel"), t("leave"));
    more.button.element.classList.add("in-meeting");
    for (const button of panelButtons) button.element.classList.add("in-meeting");
    this.element = h(
      "div",
      { class: "bar", role: "toolbar", "aria-label": t("meetingControls") },
      h(
        "div",
        { class: "bar-main" },
        this.mic.element,
        this.cam.element,
        this.share?.element,
        this.reactions.element,
        more.button.element,
        leave.element,
      ),
      h("div", { class: "bar-side" }, ...panelButtons.map((b) => b.element)),
    );
    this.dialogs = [this.reactionsPopover.dialog, more.dialog];
  }

  /** Microphone and camera as they are now. */
  sync(audioOn: boolean, videoOn: boolean): void {
    this.mic.set(audioOn);
    this.cam.set(videoOn);
  }

  /** Hand and screen share as the person's own record says. */
  update(self: Participant): void {
    const raised = self.hand !== null;
    this.handButton.lastElementChild!.textContent = t(raised ? "lowerHand" : "raiseHand");
    this.handButton.setAttribute("aria-pressed", String(raised));
    // The hand shows on the reactions button while it is up, so the person sees it without opening anything.
    this.reactions.element.classList.toggle("raised", raised);
    if (this.share) {
      this.share.show("screen", t(self.screen ? "stopShareLabel" : "shareLabel"), t(self.screen ? "stopSharing" : "shareScreen"));
      this.share.element.setAttribute("aria-pressed", String(self.screen));
    }
  }
}
