/**
 * For moderators, at the top of the Polls panel: a new poll's question, two
 * to ten options, single or multiple choice, anonymous or named, and whether
 * the others see the counts as answers come in or when it is closed.
 */
import type { PollSpec } from "../polls/poll.js";
import { LIMITS } from "../polls/poll.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";

export class PollForm {
  readonly element: HTMLFormElement;
  private readonly options: HTMLElement;
  private readonly addOption: HTMLButtonElement;
  private counter = 0;

  constructor(create: (spec: Omit<PollSpec, "id">) => void) {
    const question = h("input", { id: "poll-question", required: true, maxlength: LIMITS.question, autocomplete: "off" });
    this.options = h("div", { class: "poll-options-edit" });
    this.addOption = h("button", { type: "button", onclick: () => this.add()?.focus() }, t("pollAddOption"));
    const multiple = h("input", { type: "checkbox", id: "poll-multiple" });
    const anonymous = h("input", { type: "checkbox", id: "poll-anonymous" });
    const live = h("input", { type: "radio", name: "poll-reveal", id: "poll-reveal-live", value: "live", checked: true });
    const closed = h("input", { type: "radio", name: "poll-reveal", id: "poll-reveal-closed", value: "closed" });
    const check = (input: HTMLInputElement, label: string) => h("div", { class: "check-row" }, input, h("label", { for: input.id }, label));
    const problem = h("p", { class: "form-problem", role: "alert" });
    this.element = h(
      "form",
      {
        class: "poll-form",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const options = this.values();
          if (!question.value.trim()) return;
          if (options.length < 2) {
            problem.textContent = t("pollNeedsTwo");
            return;
          }
          problem.textContent = "";
          create({ question: question.value.trim(), options, multiple: multiple.checked, anonymous: anonymous.checked, reveal: closed.checked ? "closed" : "live" });
          question.value = "";
          this.options.replaceChildren();
          this.add();
          this.add();
        },
      },
      h("h3", {}, t("pollNew")),
      h("label", { for: question.id }, t("pollQuestion")),
      question,
      h("fieldset", { class: "poll-option-list" }, h("legend", {}, t("pollOptions")), this.options, this.addOption),
      check(multiple, t("pollMultiple")),
      check(anonymous, t("pollAnonymous")),
      h("fieldset", { class: "poll-reveal" }, h("legend", {}, t("pollReveal")), check(live, t("pollRevealLive")), check(closed, t("pollRevealClosed"))),
      problem,
      h("button", { type: "submit", class: "primary" }, t("pollCreate")),
    );
    this.add();
    this.add();
  }

  private values(): string[] {
    return [...this.options.querySelectorAll("input")].map((input) => input.value.trim()).filter(Boolean);
  }

  /** One more option field (at most LIMITS.options); returns it. */
  private add(): HTMLInputElement | undefined {
    if (this.options.children.length >= LIMITS.options) return undefined;
    const n = this.options.children.length + 1;
    const input = h("input", { id: `poll-option-${++this.counter}`, maxlength: LIMITS.option, autocomplete: "off" });
    this.options.append(h("div", { class: "row" }, h("label", { for: input.id }, t("pollOption", { n })), input));
    this.addOption.hidden = this.options.children.length >= LIMITS.options;
    return input;
  }
}
