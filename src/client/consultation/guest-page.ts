/**
 * The third person's side (docs/consultation.md, "A third person"): an interpreter or a relative
 * opens the link a staff member sent during a call (`/sprechstunde/gast#<token>`; the token is in
 * the fragment, so no request carries it), reads the terms, gives their name and consent, and joins
 * the call, which then runs in a media-server room (group-call.ts) for all three. No account, no
 * waiting room: the invitation is valid only while the call runs.
 */
import { t } from "../i18n/index.js";
import { SignalingClient } from "../signaling.js";
import { e2eeSupported } from "../e2ee/session.js";
import { h } from "../ui/dom.js";
import { languageSwitch } from "../ui/language-switch.js";
import { deviceCheck } from "./device-check.js";
import { GroupCall } from "./group-call.js";
import { terms } from "./patient-page.js";

type Show = (screen: HTMLElement) => void;

export async function guestPage(show: Show): Promise<void> {
  const { name: practice } = await fetch("/api/consultation/practice").then((r) => r.json() as Promise<{ name: string }>).catch(() => ({ name: "" }));
  const token = location.hash.slice(1);
  // The token leaves the address bar: a screenshot or a shared screen does not show it.
  history.replaceState(null, "", "/sprechstunde/gast");
  consentForm(show, practice, token);
}

function card(show: Show, practice: string, title: string, ...body: (HTMLElement | null)[]): void {
  show(h("main", { class: "card consult" }, h("h1", {}, title), ...body, terms(practice)));
}

function consentForm(show: Show, practice: string, token: string, problem = ""): void {
  // The device check, as on the patient's page: the camera opened here is the one the room gets.
  const devices = deviceCheck();
  const alert = h("p", { role: "alert", class: "error" }, problem);
  const nameInput = h("input", { id: "guest-name", autocomplete: "name", maxlength: 64, required: true, oninput: () => (alert.textContent = "") });
  const consent = h("input", { id: "guest-consent", type: "checkbox", onchange: () => (alert.textContent = "") });
  const canEncrypt = e2eeSupported();
  const join = h("button", { type: "button", class: "primary", disabled: !canEncrypt || !token }, t("cGuestJoin"));
  join.onclick = () => {
    const name = nameInput.value.trim();
    if (!name) return void (alert.textContent = t("cGuestNameNeeded"));
    if (!consent.checked) return void (alert.textContent = t("cConsentNeeded"));
    takePart(show, practice, token, name, devices.opened?.stream);
  };
  show(
    h(
      "main",
      { class: "card consult" },
      languageSwitch(() => consentForm(show, practice, token, problem)),
      h("h1", {}, t("cGuestTitle")),
      h("p", {}, t("cGuestIntro", { practice: practice || t("cTitle") })),
      !token ? h("p", { role: "alert", class: "error" }, t("cGuestIncomplete")) : null,
      canEncrypt ? null : h("p", { role: "alert", class: "error" }, t("cGuestNoE2ee")),
      terms(practice),
      h("div", { class: "consult-field" }, h("label", { for: "guest-name" }, t("cGuestName")), nameInput),
      devices.element,
      h("div", { class: "row consult-consent" }, consent, h("label", { for: "guest-consent" }, t("cGuestConsent"))),
      join,
      alert,
    ),
  );
}

function takePart(show: Show, practice: string, token: string, name: string, local: MediaStream | undefined): void {
  let group: GroupCall | undefined;
  /** Someone could be seen in the room. */
  let joined = false;
  let over = false;
  const signaling: SignalingClient = new SignalingClient({
    // After a reconnect the third person takes part again (in a new room) while the call runs.
    open: () => over || signaling.send({ type: "consultGuest", code: token }),
    close: () => {},
  });
  const finish = (title: string, problem?: string) => {
    over = true;
    for (const track of local?.getTracks() ?? []) track.stop();
    group?.leave();
    group = undefined;
    signaling.stop();
    card(show, practice, title, problem ? h("p", { role: "alert", class: "error" }, problem) : null);
  };
  card(show, practice, t("cGuestConnecting"));
  signaling.on("consultRoom", (message) => {
    group?.leave();
    const leave = () => {
      signaling.send({ type: "consultHangUp" });
      finish(t("cGuestLeft"));
    };
    const current = new GroupCall(message.room, message.key, { leave, ended: leave });
    group = current;
    show(current.element);
    current.show();
    void current.start(name, { audio: true, video: true }, local).then((playing) => {
      joined ||= playing && group === current;
      // No one could be seen (the media server did not answer): the others stay in their direct call.
      if (playing || group !== current) return;
      signaling.send({ type: "consultHangUp" });
      finish(t("cGuestTitle"), t("cGuestFailed"));
    });
  });
  // Ended before anyone could be seen: staff's or patient's room did not come up (and staff ended this part).
  signaling.on("consultEnded", () => (joined || !group ? finish(t("cEndedTitle")) : finish(t("cGuestTitle"), t("cGuestFailed"))));
  signaling.on("error", (message) => {
    if (message.inReplyTo !== "consultGuest") return;
    over = true;
    signaling.stop();
    for (const track of local?.getTracks() ?? []) track.stop();
    consentForm(show, practice, token, t("cGuestInvalid", { reason: message.message }));
  });
  signaling.connect();
}
