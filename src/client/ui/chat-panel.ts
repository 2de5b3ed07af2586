/**
 * Chat: messages to everyone in the meeting with name and time. Text is
 * shown as text (links are not fetched or turned into anything), and
 * nothing is kept after the page is gone.
 */
import type { ChatLine } from "../view.js";
import { language, t } from "../i18n/index.js";
import { h } from "./dom.js";

export class ChatPanel {
  readonly element: HTMLElement;
  private readonly log: HTMLOListElement;
  private readonly empty: HTMLElement;

  constructor(send: (text: string) => void) {
    this.log = h("ol", { class: "chat-log", "aria-live": "polite" });
    this.empty = h("p", { class: "muted-text" }, t("chatEmpty"));
    const input = h("input", { id: "chat-input", autocomplete: "off", maxlength: 2000 });
    const form = h(
      "form",
      {
        class: "chat-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const text = input.value.trim();
          if (!text) return;
          send(text);
          input.value = "";
        },
      },
      h("label", { for: "chat-input", class: "visually-hidden" }, t("chatMessage")),
      input,
      h("button", { type: "submit" }, t("send")),
    );
    this.element = h("section", { class: "chat-panel", "aria-label": t("chat") }, h("h2", {}, t("chat")), this.empty, this.log, form);
  }

  add(message: ChatLine, fromSelf: boolean): void {
    const time = new Intl.DateTimeFormat(language(), { hour: "2-digit", minute: "2-digit" }).format(new Date(message.at));
    this.empty.hidden = true;
    this.log.append(
      h(
        "li",
        { class: fromSelf ? "own" : undefined },
        h("span", { class: "from" }, fromSelf ? t("you") : message.name),
        h("time", { datetime: new Date(message.at).toISOString() }, time),
        message.text === null ? h("p", { class: "undecryptable" }, t("chatUndecryptable")) : h("p", {}, message.text),
        message.unsealed ? h("p", { class: "unsealed" }, t("e2eeStateUnencrypted")) : null,
      ),
    );
    this.log.lastElementChild?.scrollIntoView({ block: "end" });
  }
}
