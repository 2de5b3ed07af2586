/**
 * The patient's side: no account. The link's fragment (never sent to any server in a request)
 * or a typed code names the appointment. The patient reads the terms of use and the privacy
 * notice, consents, tests camera and microphone, and waits; they see their own place in the
 * queue and nothing about anyone else. When called in, the call runs browser to browser.
 */
import { language, t } from "../i18n/index.js";
import { SignalingClient } from "../signaling.js";
import { e2eeSupported } from "../e2ee/session.js";
import { h } from "../ui/dom.js";
import { languageSwitch } from "../ui/language-switch.js";
import { CallSession, openLocalMedia } from "./call-session.js";
import { deviceCheck } from "./device-check.js";

type Show = (screen: HTMLElement) => void;

export async function patientPage(show: Show): Promise<void> {
  const { name: practice } = await fetch("/api/consultation/practice").then((r) => r.json() as Promise<{ name: string }>).catch(() => ({ name: "" }));
  const code = location.hash.slice(1);
  if (code) {
    // The token leaves the address bar: a screenshot or a shared screen does not show it.
    history.replaceState(null, "", "/sprechstunde");
    return landing(show, practice, code);
  }
  codeEntry(show, practice);
}

export function terms(practice: string): HTMLElement {
  return h(
    "section",
    { class: "consult-terms", "aria-labelledby": "terms-heading" },
    h("h2", { id: "terms-heading" }, t("cTermsTitle")),
    h("p", {}, t("cTerms", { practice })),
    h("p", {}, t("cTermsThird")),
    h("p", {}, h("a", { href: `/privacy?lang=${language()}`, target: "_blank", rel: "noopener noreferrer" }, t("cPrivacy"))),
  );
}

function codeEntry(show: Show, practice: string, problem = ""): void {
  const input = h("input", { id: "appointment-code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 64, required: true });
  show(
    h(
      "main",
      { class: "card consult" },
      languageSwitch(() => codeEntry(show, practice, problem)),
      h("h1", {}, practice ? t("cWelcome", { practice }) : t("cTitle")),
      h(
        "form",
        { onsubmit: (event: Event) => {
          event.preventDefault();
          const code = input.value.replace(/\s+/g, "");
          if (code) landing(show, practice, code);
        } },
        h("label", { for: "appointment-code" }, t("cEnterCode")),
        h("div", { class: "row" }, input, h("button", { type: "submit", class: "primary" }, t("cContinue"))),
      ),
      problem ? h("p", { role: "alert", class: "error" }, problem) : null,
      terms(practice),
    ),
  );
}

function landing(show: Show, practice: string, code: string): void {
  const devices = deviceCheck();
  const nameInput = h("input", { id: "patient-name", autocomplete: "name", maxlength: 64 });
  const alert = h("p", { role: "alert", class: "error" });
  const consent = h("input", { id: "consent", type: "checkbox", onchange: () => (alert.textContent = "") });
  const enter = h("button", { type: "button", class: "primary", onclick: async () => {
    if (!consent.checked) {
      alert.textContent = t("cConsentNeeded");
      return;
    }
    // Not checked yet: camera and microphone open now (the queue shows whether that worked).
    const { stream, ok } = devices.opened ?? (await openLocalMedia());
    waitInQueue(show, practice, code, nameInput.value.trim(), stream, ok);
  } }, t("cEnterWaitingRoom"));
  const draw = () =>
    show(
      h(
        "main",
        { class: "card consult" },
        languageSwitch(() => landing(show, practice, code)),
        h("h1", {}, practice ? t("cWelcome", { practice }) : t("cTitle")),
        terms(practice),
        h("div", { class: "consult-field" }, h("label", { for: "patient-name" }, t("cYourName")), nameInput),
        devices.element,
        h("div", { class: "row consult-consent" }, consent, h("label", { for: "consent" }, t("cConsent"))),
        enter,
        alert,
      ),
    );
  draw();
}

function waitInQueue(show: Show, practice: string, code: string, name: string, opened: MediaStream, checked: boolean): void {
  let local = opened;
  let done = false;
  const signaling: SignalingClient = new SignalingClient({
    // After a reconnect the patient waits again (at the end: the server forgot the old place).
    open: () => done || signaling.send({ type: "consultWait", code, checked, e2ee: e2eeSupported(), ...(name ? { name } : {}) }),
    close: () => {},
  });
  const calls = new CallSession(signaling, show, () => name || t("cPatient"));
  const place = h("p", { role: "status", class: "consult-place" });
  const notice = h("p", { role: "alert", class: "consult-notice", hidden: true });
  const title = h("h1", {}, t("cWaitingTitle"));
  const hint = h("p", {}, t("cWaitingHint"));
  const waiting = h("main", { class: "card consult consult-waiting" }, title, h("p", { class: "consult-practice" }, practice), place, notice, hint, terms(practice));
  signaling.on("consultWaiting", (message) => {
    calls.end();
    done = false;
    place.textContent = t("cWaitingPlace", { position: message.position });
    show(waiting);
  });
  signaling.on("consultNotice", (message) => {
    notice.textContent = t("cNoticeFromPractice", { text: message.text });
    notice.hidden = false;
  });
  let inCall = false;
  // Put back on hold (or the practice's side dropped): the call closes, the camera goes off, and
  // the patient waits again; their place follows in `consultWaiting`.
  signaling.on("consultHeld", () => {
    inCall = false;
    calls.end();
    for (const track of local.getTracks()) track.stop();
    title.textContent = t("cHeldTitle");
    hint.textContent = t("cHeldHint");
    show(waiting);
  });
  signaling.on("consultConnect", async (message) => {
    inCall = true;
    // The camera and microphone were closed when an earlier call ended (the practice's side dropped).
    if (local.getTracks().every((track) => track.readyState === "ended")) local = (await openLocalMedia()).stream;
    calls.begin(message, local);
  });
  signaling.on("consultEnded", () => {
    // Over: a reconnect must not try the used appointment again (a `consultWaiting` may still follow
    // if the practice's side dropped: then the patient waits again).
    done = true;
    calls.end();
    // Camera and microphone go off with the consultation.
    for (const track of local.getTracks()) track.stop();
    // Turned away while waiting (no call began), or the consultation is over.
    show(h("main", { class: "card consult" }, h("h1", {}, t(inCall ? "cEndedTitle" : "cWaitEndedTitle")), inCall ? null : h("p", {}, t("cTurnedAway")), terms(practice)));
    inCall = false;
  });
  signaling.on("error", (message) => {
    if (message.inReplyTo !== "consultWait") return;
    done = true;
    signaling.stop();
    for (const track of local.getTracks()) track.stop();
    codeEntry(show, practice, t("cInvalid", { reason: message.message }));
  });
  signaling.connect();
}
