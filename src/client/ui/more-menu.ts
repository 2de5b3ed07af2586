/**
 * "More": everything in the meeting that is not used all the time, in groups
 * by purpose. The bar stays as it is when a feature arrives: breakout rooms
 * and recording add an entry to "moderation", polls, whiteboard, notes and
 * presentations to "tools", effects to "view". A group without entries is
 * not shown.
 */
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { controlButton, type ControlButton } from "./controls.js";
import { Popover } from "./popover.js";

/** The groups in the order they are shown, each with its heading. */
const GROUPS = {
  moderation: "menuModeration",
  tools: "menuTools",
  view: "menuView",
  settings: "menuSettings",
  help: "menuHelp",
} as const satisfies Record<string, MessageKey>;
export type MenuGroup = keyof typeof GROUPS;

/** What an entry does: run something in the page, or open a page of Treff's own in a new tab. */
export type MenuAction = (() => void) | { href: string };

export interface MenuItem {
  readonly element: HTMLElement;
  setLabel(text: string): void;
  setHidden(hidden: boolean): void;
}

export class MoreMenu {
  readonly button: ControlButton;
  private readonly popover: Popover;
  private readonly groups = new Map<MenuGroup, { element: HTMLElement; list: HTMLElement }>();

  constructor() {
    this.button = controlButton("more", () => {});
    this.button.show("more", t("more"), t("more"));
    const sections = Object.entries(GROUPS).map(([group, heading]) => {
      const title = h("h3", { id: `menu-${group}` }, t(heading));
      const list = h("div", { class: "menu-items" });
      const element = h("div", { role: "group", class: "menu-group", "aria-labelledby": title.id, hidden: true }, title, list);
      this.groups.set(group as MenuGroup, { element, list });
      return element;
    });
    this.popover = new Popover("more-menu", t("more"), ...sections);
    this.popover.attach(this.button.element);
  }

  get dialog(): HTMLDialogElement {
    return this.popover.dialog;
  }

  add(group: MenuGroup, label: string, action: MenuAction): MenuItem {
    const element =
      typeof action === "function"
        ? h("button", { type: "button", class: "menu-item", onclick: () => { this.popover.close(); action(); } }, label)
        : // A new tab, so the meeting goes on; no opener, no referrer.
          h("a", { class: "menu-item", href: action.href, target: "_blank", rel: "noopener noreferrer", onclick: () => this.popover.close() }, label);
    const { list } = this.groups.get(group)!;
    list.append(element);
    this.refresh(group);
    return {
      element,
      setLabel: (text) => (element.textContent = text),
      setHidden: (hidden) => {
        element.hidden = hidden;
        this.refresh(group);
      },
    };
  }

  /** The number shown on the More button (people waiting in the lobby, for moderators). */
  attention(count: number): void {
    this.button.count(count);
    this.button.element.classList.toggle("attention", count > 0);
  }

  private refresh(group: MenuGroup): void {
    const { element, list } = this.groups.get(group)!;
    element.hidden = ![...list.children].some((item) => !(item as HTMLElement).hidden);
  }
}
