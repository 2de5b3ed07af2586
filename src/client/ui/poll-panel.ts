/**
 * Polls (issue 13), opened from More → Tools: moderators start one at the
 * top (poll-form.ts); everyone answers each open poll in a group of radio
 * buttons or checkboxes named by its question, and sees the counts as bars
 * once the creator publishes them. The creator closes the poll, shares the
 * counts and downloads them as CSV (names only for a named poll).
 */
import type { PollSpec } from "../polls/poll.js";
import type { Polls, PollView } from "../polls/polls.js";
import { pollCsv } from "../polls/csv.js";
import { t } from "../i18n/index.js";
import { h } from "./dom.js";
import { PollForm } from "./poll-form.js";

export class PollPanel {
  readonly element: HTMLElement;
  private readonly form: PollForm;
  private readonly list: HTMLElement;
  private readonly empty: HTMLElement;

  constructor(private readonly polls: Polls) {
    this.form = new PollForm((spec) => void polls.create(spec));
    this.form.element.hidden = true;
    this.list = h("div", { class: "poll-list" });
    this.empty = h("p", { class: "muted-text" }, t("pollNone"));
    this.element = h("section", { class: "poll-panel", "aria-label": t("polls") }, h("h2", {}, t("polls")), this.form.element, this.empty, this.list);
    polls.onChange(() => this.render());
  }

  /** Only moderators start polls. */
  setModerator(moderator: boolean): void {
    this.form.element.hidden = !moderator;
  }

  render(): void {
    const polls = this.polls.list();
    this.empty.hidden = polls.length > 0;
    // Keep what the person ticked but has not sent yet.
    const ticked = new Map([...this.list.querySelectorAll<HTMLInputElement>("input[data-poll]")].map((i) => [i.id, i.checked]));
    // Counts arrive while someone reads or answers: keyboard focus stays where it was.
    const focused = this.list.contains(document.activeElement) ? document.activeElement : null;
    const focusKey = focused?.id || (focused ? `${focused.closest("article")?.getAttribute("aria-labelledby")}|${focused.textContent}` : undefined);
    this.list.replaceChildren(...polls.map((poll) => this.card(poll)));
    for (const [id, checked] of ticked) {
      const input = this.list.querySelector<HTMLInputElement>(`#${CSS.escape(id)}`);
      if (input) input.checked = checked;
    }
    if (focusKey) this.refocus(focusKey);
  }

  private refocus(key: string): void {
    const byId = this.list.querySelector<HTMLElement>(`#${CSS.escape(key)}`);
    if (byId) return byId.focus();
    const [card, text] = key.split("|");
    const buttons = this.list.querySelectorAll<HTMLElement>(`article[aria-labelledby="${CSS.escape(card ?? "")}"] button, article[aria-labelledby="${CSS.escape(card ?? "")}"] summary`);
    [...buttons].find((b) => b.textContent === text)?.focus();
  }

  private card(poll: PollView): HTMLElement {
    const { spec } = poll;
    const status = [
      t(poll.closed ? "pollClosed" : "pollOpen"),
      t(spec.anonymous ? "pollIsAnonymous" : "pollIsNamed"),
      t(spec.multiple ? "pollIsMultiple" : "pollIsSingle"),
    ].join(" · ");
    return h(
      "article",
      { class: "poll", "aria-labelledby": `poll-q-${spec.id}` },
      h("h3", { id: `poll-q-${spec.id}` }, spec.question),
      h("p", { class: "muted-text" }, status),
      poll.closed ? null : this.answerForm(poll),
      poll.results ? this.results(spec, poll) : h("p", { class: "muted-text" }, t(spec.reveal === "live" ? "pollNoAnswersYet" : "pollResultsLater")),
      poll.mine ? this.creatorActions(poll) : null,
      poll.mine && poll.named.length ? this.whoAnswered(poll) : null,
    );
  }

  private answerForm(poll: PollView): HTMLFormElement {
    const { spec } = poll;
    const type = spec.multiple ? "checkbox" : "radio";
    const inputs = spec.options.map((option, i) => {
      const input = h("input", { type, name: `poll-${spec.id}`, id: `poll-${spec.id}-${i}`, value: String(i), "data-poll": spec.id, checked: poll.answered?.includes(i) ?? false });
      return h("div", { class: "check-row" }, input, h("label", { for: input.id }, option));
    });
    const form = h(
      "form",
      {
        class: "poll-answer",
        onsubmit: (event: Event) => {
          event.preventDefault();
          const choices = [...form.querySelectorAll<HTMLInputElement>("input:checked")].map((i) => Number(i.value));
          if (choices.length) void this.polls.answer(spec.id, choices);
        },
      },
      h("fieldset", {}, h("legend", { class: "visually-hidden" }, spec.question), ...inputs),
      h("button", { type: "submit", class: "primary" }, t(poll.answered ? "pollChangeAnswer" : "pollSendAnswer")),
      poll.answered ? h("p", { class: "muted-text", role: "status" }, t("pollAnswerSent")) : null,
    );
    return form;
  }

  private results(spec: PollSpec, poll: PollView): HTMLElement {
    const { counts, voters } = poll.results!;
    return h(
      "div",
      { class: "poll-results" },
      h("p", {}, t("pollAnswered", { count: voters })),
      h(
        "ul",
        { "aria-label": t("pollResultsOf", { question: spec.question }) },
        ...spec.options.map((option, i) => {
          const count = counts[i] ?? 0;
          const percent = voters ? Math.round((100 * count) / voters) : 0;
          const bar = h("span", { class: "poll-bar", "aria-hidden": "true" });
          bar.style.setProperty("--share", `${percent}%`); // through the CSSOM: the page's CSP allows no inline style attributes
          return h("li", {}, h("span", { class: "poll-option" }, option), h("span", { class: "poll-count" }, t("pollVotes", { count, percent })), bar);
        }),
      ),
    );
  }

  private creatorActions(poll: PollView): HTMLElement {
    const id = poll.spec.id;
    return h(
      "div",
      { class: "row poll-actions" },
      poll.closed ? null : h("button", { type: "button", onclick: () => void this.polls.close(id) }, t("pollCloseIt")),
      h("button", { type: "button", onclick: () => void this.polls.share(id) }, t("pollShare")),
      h("button", { type: "button", onclick: () => this.download(poll) }, t("pollCsv")),
    );
  }

  /** A named poll, for its creator only: who chose what. */
  private whoAnswered(poll: PollView): HTMLElement {
    return h(
      "details",
      { class: "poll-named" },
      h("summary", {}, t("pollWhoAnswered")),
      h("ul", {}, ...poll.named.map(([name, choices]) => h("li", {}, `${name}: ${choices.map((c) => poll.spec.options[c]).join(", ")}`))),
    );
  }

  /** The CSV as a download made in the page (a Blob): nothing goes to the server. */
  private download(poll: PollView): void {
    const csv = pollCsv(poll.spec, poll.results ?? { counts: poll.spec.options.map(() => 0), voters: 0 }, poll.named, {
      question: t("pollQuestion"),
      option: t("pollOptions"),
      votes: t("pollVotesHeading"),
      voters: t("pollAnsweredHeading"),
      name: t("name"),
      choices: t("pollChoicesHeading"),
    });
    const url = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
    const link = h("a", { href: url, download: `poll-${poll.spec.id}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
