/**
 * Everyone in the meeting: raised hands first, in the order they went up,
 * then everyone else in order of arrival, with role and microphone state.
 */
import type { Participant } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";

/** Raised hands first (earliest first), then the rest in their given order. */
export function peopleInOrder(people: Participant[]): Participant[] {
  const raised = people.filter((p) => p.hand !== null).sort((a, b) => a.hand! - b.hand!);
  return [...raised, ...people.filter((p) => p.hand === null)];
}

export class PeoplePanel {
  readonly element: HTMLElement;
  private readonly list: HTMLOListElement;

  constructor() {
    this.list = h("ol", { class: "people-list" });
    this.element = h("section", { class: "people-panel", "aria-label": t("people") }, h("h2", {}, t("people")), this.list);
  }

  update(self: Participant, others: Participant[]): void {
    const ordered = peopleInOrder([self, ...others]);
    const handPlace = new Map(ordered.filter((p) => p.hand !== null).map((p, i) => [p.id, i + 1]));
    this.list.replaceChildren(
      ...ordered.map((p) => {
        const details = [
          p.role === "moderator" ? t("moderator") : "",
          p.audio ? "" : t("muted"),
          handPlace.has(p.id) ? t("handNumber", { n: handPlace.get(p.id)! }) : "",
        ].filter(Boolean);
        return h(
          "li",
          {},
          h("span", { class: "name" }, p.id === self.id ? t("youSuffix", { name: p.name }) : p.name),
          details.length ? h("span", { class: "muted-text" }, details.join(" · ")) : null,
        );
      }),
    );
  }
}
