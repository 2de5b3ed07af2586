/**
 * Everyone in the meeting: raised hands first, in the order they went up,
 * then everyone else in order of arrival, with role, microphone state and
 * whether their media reaches us end-to-end encrypted, with a button to
 * compare safety codes.
 */
import type { Participant, ParticipantId } from "../../protocol/messages.js";
import type { PeerState } from "../e2ee/session.js";
import { PEER_STATE_TEXT } from "./encryption.js";
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
  private encryption: Map<ParticipantId, PeerState> | undefined;
  private people: [Participant, Participant[]] | undefined;

  /** `verify`: show the safety code with this participant. */
  constructor(private readonly verify: (participant: Participant) => void) {
    this.list = h("ol", { class: "people-list" });
    this.element = h("section", { class: "people-panel", "aria-label": t("people") }, h("h2", {}, t("people")), this.list);
  }

  /** How each participant's media reaches us; undefined when this page does not encrypt. */
  setEncryption(states: Map<ParticipantId, PeerState> | undefined): void {
    this.encryption = states;
    if (this.people) this.update(...this.people);
  }

  update(self: Participant, others: Participant[]): void {
    this.people = [self, others];
    const ordered = peopleInOrder([self, ...others]);
    const handPlace = new Map(ordered.filter((p) => p.hand !== null).map((p, i) => [p.id, i + 1]));
    this.list.replaceChildren(
      ...ordered.map((p) => {
        const details = [
          p.role === "moderator" ? t("moderator") : "",
          p.audio ? "" : t("muted"),
          handPlace.has(p.id) ? t("handNumber", { n: handPlace.get(p.id)! }) : "",
          p.id !== self.id && this.encryption ? t(PEER_STATE_TEXT[this.encryption.get(p.id) ?? "waiting"]) : "",
        ].filter(Boolean);
        const canVerify = p.id !== self.id && this.encryption !== undefined && p.publicKey !== null;
        return h(
          "li",
          {},
          h("span", { class: "name" }, p.id === self.id ? t("youSuffix", { name: p.name }) : p.name),
          details.length ? h("span", { class: "muted-text" }, details.join(" · ")) : null,
          canVerify ? h("button", { type: "button", class: "verify", onclick: () => this.verify(p) }, t("verify", { name: p.name })) : null,
        );
      }),
    );
  }
}
