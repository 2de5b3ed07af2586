/**
 * For moderators: who is waiting in the lobby, with "let in" and "turn away"
 * for each, and "let everyone in". Each knock also comes as a notice with the
 * same actions (meeting-view.ts).
 */
import type { LobbyEntry, ParticipantId } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";

export interface LobbyActions {
  admit(who: ParticipantId[] | "all"): void;
  refuse(id: ParticipantId): void;
  /** A short note to everyone waiting (plain text: they hold no meeting key). */
  messageLobby(text: string): void;
}

export class LobbyPanel {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly empty: HTMLElement;
  private readonly admitAll: HTMLButtonElement;
  private readonly messageForm: HTMLFormElement;

  constructor(private readonly actions: LobbyActions) {
    this.list = h("ul", { class: "lobby-list" });
    this.empty = h("p", { class: "muted-text" }, t("lobbyEmpty"));
    this.admitAll = h("button", { type: "button", class: "primary", onclick: () => actions.admit("all") }, t("admitAll"));
    this.messageForm = this.noteForm();
    this.element = h("section", { class: "lobby-panel", "aria-label": t("lobbyTitle") }, h("h2", {}, t("lobbyTitle")), this.empty, this.list, this.admitAll, this.messageForm);
    this.update([]);
  }

  /** `encrypting`: this meeting encrypts end to end here, so a guest whose browser cannot is pointed out. */
  update(waiting: LobbyEntry[], encrypting = false): void {
    this.list.replaceChildren(
      ...waiting.map((entry) =>
        h(
          "li",
          {},
          h("span", { class: "name" }, entry.name),
          encrypting && !entry.e2ee ? h("span", { class: "lobby-note" }, t("lobbyNoE2ee")) : null,
          h("button", { type: "button", class: "primary", onclick: () => this.actions.admit([entry.id]) }, t("admitOne", { name: entry.name })),
          h("button", { type: "button", onclick: () => this.actions.refuse(entry.id) }, t("refuseOne", { name: entry.name })),
        ),
      ),
    );
    this.empty.hidden = waiting.length > 0;
    this.admitAll.hidden = waiting.length < 2;
    this.messageForm.hidden = waiting.length === 0;
  }

  /** One short message to those waiting (issue 13). */
  private noteForm(): HTMLFormElement {
    const input = h("input", { id: "lobby-message", maxlength: 280, autocomplete: "off" });
    const sent = h("p", { class: "muted-text", role: "status" });
    return h(
      "form",
      {
        class: "lobby-message",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (!text) return;
          this.actions.messageLobby(text);
          input.value = "";
          sent.textContent = t("lobbyMessageSent");
        },
      },
      h("label", { for: "lobby-message" }, t("lobbyMessageLabel")),
      h("div", { class: "row" }, input, h("button", { type: "submit" }, t("lobbyMessageSend"))),
      sent,
    );
  }
}
