/**
 * Breakout rooms on the meeting screen: the line over the stage
 * (breakout-bar.ts), the panel (breakout-panel.ts, a side panel), the
 * "Breakout rooms" entry in Tools for those who may choose a room, and the
 * notices (closing countdown, a moderator's broadcast, a call for help).
 * The moderators' entry sits with the other moderator tools in the view.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import type { BreakoutControls, BreakoutInfo } from "../view.js";
import { t } from "../i18n/index.js";
import { announce } from "./dom.js";
import { BreakoutBar } from "./breakout-bar.js";
import { roomName } from "./breakout-panel.js";
import type { MoreMenu, MenuItem } from "./more-menu.js";
import type { SidePanels } from "./side-panels.js";
import type { Toasts } from "./toasts.js";

export interface BreakoutScreenParts {
  panels: SidePanels;
  more: MoreMenu;
  toasts: Toasts;
}

export class BreakoutScreen {
  /** The line over the stage: which room, time left, "Ask for help". */
  readonly bar: BreakoutBar;
  private readonly choice: MenuItem;
  private last: BreakoutInfo | undefined;

  constructor(
    private readonly breakouts: BreakoutControls,
    private readonly parts: BreakoutScreenParts,
  ) {
    // Participants choose from Tools while the moderators allow it.
    this.choice = parts.more.add("tools", t("breakoutRooms"), () => parts.panels.show(parts.panels.breakout));
    this.choice.setHidden(true);
    this.bar = new BreakoutBar(breakouts, () => parts.toasts.show(t("breakoutHelpAsked")));
  }

  update(info: BreakoutInfo | undefined, selfId: ParticipantId | undefined, moderator: boolean): void {
    const { panels, toasts } = this.parts;
    const before = this.last;
    this.last = info;
    panels.breakoutPanel.update(info, selfId, moderator);
    this.bar.update(info, moderator);
    this.choice.setHidden(moderator || !info || info.phase !== "open" || !info.allowChoose);
    if (info?.phase === "closing" && before?.phase !== "closing" && info.returnAt) {
      const seconds = Math.max(1, Math.round((info.returnAt - Date.now()) / 1_000));
      toasts.show(t("breakoutClosingToast", { seconds }), { key: "breakout-closing", ms: seconds * 1_000 });
    }
    const here = info?.here ?? null;
    if (here !== (before?.here ?? null)) {
      announce(t("breakoutMovedTo", { room: here ? roomName(info, here) : t("breakoutMainRoom") }));
      if (panels.breakout.open && !moderator) panels.show(panels.breakout);
    }
  }

  broadcast(from: string, text: string): void {
    this.parts.toasts.show(t("breakoutBroadcastToast", { name: from, text }), { ms: 20_000 });
  }

  help(from: string, room: string): void {
    this.parts.toasts.show(t("breakoutHelpToast", { name: from, room: roomName(this.last, room) }), {
      ms: 30_000,
      actions: [{ label: t("breakoutVisit"), primary: true, run: () => this.breakouts.choose(room) }],
    });
  }
}
