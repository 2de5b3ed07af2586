/**
 * The connectivity check page (/check): runs the check at once and says in
 * plain words what the result means and, when nothing gets through, what to
 * ask the IT department for. The logic is in ../check.ts.
 */
import { initialCheckState, runCheck, type CheckState, type ProbeStatus } from "../check.js";
import { t, type MessageKey } from "../i18n/index.js";
import { h } from "./dom.js";
import { languageSwitch } from "./language-switch.js";

const STATUS_TEXT: Record<ProbeStatus, MessageKey> = {
  waiting: "checkWaiting",
  running: "checkRunning",
  works: "checkWorks",
  fails: "checkFails",
  "not-offered": "checkNoTurn",
};

/** Draws the page with `show` and starts the check; a language change redraws without checking again. */
export function checkPage(show: (screen: HTMLElement) => void): void {
  let state = initialCheckState;
  let update: (state: CheckState) => void = () => {};
  const run = () => {
    if (state.running) return;
    void runCheck((next) => {
      state = next;
      update(state);
    });
  };
  const draw = () => {
    const screen = checkScreen(run, draw);
    update = screen.update;
    update(state);
    show(screen.element);
  };
  draw();
  run();
}

function checkScreen(again: () => void, redraw: () => void): { element: HTMLElement; update(state: CheckState): void } {
  const directStatus = h("span", { class: "check-status" });
  const relayStatus = h("span", { class: "check-status" });
  const verdict = h("p", { class: "verdict" });
  const advice = h("p", { class: "advice" });
  const againButton = h("button", { type: "button", class: "primary", onclick: again }, t("checkAgain"));
  const element = h(
    "main",
    { class: "check card" },
    languageSwitch(redraw),
    h("h1", {}, t("checkTitle")),
    h("p", { class: "intro" }, t("checkIntro")),
    h(
      "ul",
      { class: "check-steps" },
      h("li", {}, h("span", {}, t("checkDirect")), directStatus),
      h("li", {}, h("span", {}, t("checkRelay")), relayStatus),
    ),
    // A polite live region: screen readers hear "Checking…" and then the result.
    h("div", { class: "check-result", role: "status" }, verdict, advice),
    h("div", { class: "row" }, againButton, h("a", { href: "/", class: "button" }, t("home"))),
  );
  const update = (state: CheckState) => {
    setStatus(directStatus, state.direct);
    setStatus(relayStatus, state.relay);
    verdict.textContent = state.running ? t("checkRunning") : summary(state);
    verdict.className = `verdict ${state.running ? "" : state.verdict === "direct" ? "good" : state.verdict === "relay-only" ? "fair" : "bad"}`;
    advice.textContent = !state.running && state.verdict === "none" ? t("checkAdvice", { host: location.hostname }) : "";
    advice.hidden = !advice.textContent;
    againButton.disabled = state.running;
  };
  return { element, update };
}

function setStatus(element: HTMLElement, status: ProbeStatus): void {
  element.textContent = t(STATUS_TEXT[status]);
  element.dataset.status = status;
}

/** The result in one sentence. */
function summary(state: CheckState): string {
  if (state.problem === "server-unreachable") return t("checkServerUnreachable");
  if (state.problem === "server-refused") return t("checkServerRefused");
  if (state.verdict === "direct") return t("checkResultDirect");
  if (state.verdict === "relay-only") return t("checkResultRelay");
  if (state.verdict === "none") return t("checkResultNone");
  return "";
}
