/**
 * The practice's side: passkey enrolment (from the operator's one-time link), sign-in, the
 * shared waiting queue with "call in", and new appointments (appointment-form.ts). In a call the
 * staff member hears and sees nothing about newcomers but the count (queue-alerts.ts), and can
 * put the patient back on hold.
 */
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { QueueEntry } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { SignalingClient } from "../signaling.js";
import { announce, h } from "../ui/dom.js";
import { playChime, soundSetting } from "../ui/knock-sound.js";
import { languageSwitch } from "../ui/language-switch.js";
import { Toasts } from "../ui/toasts.js";
import { appointmentForm, clockTime as time, type CreatedAppointment } from "./appointment-form.js";
import { CallSession, openLocalMedia } from "./call-session.js";
import { ArrivalWatch, queueTitle } from "./queue-alerts.js";

type Show = (screen: HTMLElement) => void;

async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(json.error ?? String(response.status));
  return json;
}

export function enrolPage(show: Show): void {
  const token = location.hash.slice(1);
  const message = h("p", { role: "status" });
  const button = h("button", { type: "button", class: "primary", onclick: async () => {
    button.disabled = true;
    try {
      const { options } = await post<{ options: Parameters<typeof startRegistration>[0]["optionsJSON"] }>("/api/staff/enrol/options", { token });
      const response = await startRegistration({ optionsJSON: options });
      await post("/api/staff/enrol/verify", { token, response });
      // The link is used up: it leaves the address bar (and the history entry).
      history.replaceState(null, "", "/staff");
      message.textContent = t("cEnrolDone");
      void staffPage(show);
    } catch (error) {
      message.textContent = /not valid/.test(String(error)) ? t("cEnrolInvalid") : t("cSignInFailed", { reason: (error as Error).message });
      button.disabled = false;
    }
  } }, t("cEnrolButton"));
  show(h("main", { class: "card consult" }, languageSwitch(() => enrolPage(show)), h("h1", {}, t("cEnrolTitle")), h("p", {}, t("cEnrolHint")), button, message));
}

export async function staffPage(show: Show): Promise<void> {
  const me = await fetch("/api/staff/me").then((r) => (r.ok ? (r.json() as Promise<{ name: string; practice: string }>) : undefined));
  if (!me) return signInScreen(show);
  const queue = new QueueScreen(me, show);
  show(queue.element);
}

async function signInScreen(show: Show): Promise<void> {
  const { oidc } = await fetch("/api/consultation/practice").then((r) => r.json() as Promise<{ oidc?: boolean }>).catch(() => ({ oidc: false }));
  const message = h("p", { role: "alert" });
  const button = h("button", { type: "button", class: "primary", onclick: async () => {
    button.disabled = true;
    try {
      const options = await post<Parameters<typeof startAuthentication>[0]["optionsJSON"]>("/api/staff/login/options");
      const response = await startAuthentication({ optionsJSON: options });
      await post("/api/staff/login/verify", { response });
      await staffPage(show);
    } catch (error) {
      message.textContent = t("cSignInFailed", { reason: (error as Error).message });
      button.disabled = false;
    }
  } }, t("cSignIn"));
  // The organisation's provider, when the operator configured one: an ordinary link, the server redirects.
  const organisation = oidc ? h("p", {}, h("a", { href: "/staff/oidc/login", class: "button" }, t("cSignInOidc"))) : null;
  show(h("main", { class: "card consult" }, languageSwitch(() => void signInScreen(show)), h("h1", {}, t("cStaffTitle")), h("p", {}, t("cSignInHint")), button, organisation, message));
}

/** Who a queue entry is, as staff see it. */
const whoOf = (p: QueueEntry) => [p.label, p.name].filter(Boolean).join(" · ") || t("cPatient");

/** The patient sound is the staff member's choice, on this device. */
const patientSound = soundSetting("treff.patientSound");

class QueueScreen {
  readonly element: HTMLElement;
  private readonly list = h("ul", { class: "consult-queue" });
  private readonly count = h("p", { role: "status" });
  /** The count again, on the call screen. */
  private readonly callCount = h("p", { role: "status", class: "consult-call-count" });
  private readonly signaling: SignalingClient;
  private readonly calls: CallSession;
  private readonly arrivals = new ArrivalWatch();
  private readonly toasts = new Toasts();
  private patients: QueueEntry[] = [];
  /** From `consultConnect` until `consultEnded`: no sound, no notice. */
  private inCall = false;
  private calling: QueueEntry | undefined;
  private local: MediaStream | undefined;

  constructor(
    private readonly me: { name: string; practice: string },
    private readonly show: Show,
  ) {
    this.element = h("main", { class: "card consult consult-staff" });
    this.signaling = new SignalingClient({ open: () => this.signaling.send({ type: "consultStaff" }), close: () => {} });
    this.calls = new CallSession(this.signaling, (screen) => show(this.withQueueStrip(screen)), () => me.name);
    this.signaling.on("consultQueue", (message) => this.render(message.patients));
    this.signaling.on("consultConnect", (message) => {
      this.inCall = true;
      // Back from a room with a third person: the same camera and microphone.
      const local = this.local?.getTracks().some((track) => track.readyState === "live") ? this.local : undefined;
      void (local ? Promise.resolve({ stream: local }) : openLocalMedia()).then(({ stream }) => {
        this.local = stream;
        this.calls.begin(message, stream);
      });
    });
    this.signaling.on("consultEnded", () => {
      this.inCall = false;
      this.calls.end();
      for (const track of this.local?.getTracks() ?? []) track.stop();
      this.show(this.element);
      announce(t("cEndedStaff"));
    });
    this.signaling.connect();
    this.draw();
  }

  /** The call screen with the queue's count and "Put back on hold" over it (the call view itself is call-view.ts). */
  private withQueueStrip(screen: HTMLElement): HTMLElement {
    const who = this.calling ? whoOf(this.calling) : t("cPatient");
    const hold = h("button", { type: "button", "aria-label": t("cHoldFor", { who }), onclick: () => this.signaling.send({ type: "consultHold" }) }, t("cHold"));
    return h("div", { class: "consult-staff-call" }, screen, h("aside", { class: "consult-call-strip", "aria-label": t("cQueueTitle") }, this.callCount, hold));
  }

  private draw(): void {
    const signOut = h("button", { type: "button", onclick: async () => {
      await post("/api/staff/logout");
      this.signaling.stop();
      location.reload();
    } }, t("cSignOut"));
    const sound = h("input", { id: "patient-sound", type: "checkbox", checked: patientSound.on(), onchange: () => {
      patientSound.set(sound.checked);
      if (sound.checked) playChime(); // what it sounds like
    } });
    this.element.replaceChildren(
      languageSwitch(() => this.draw()),
      h("h1", {}, this.me.practice || t("cStaffTitle")),
      h("p", { class: "row consult-me" }, t("cSignedInAs", { name: this.me.name }), signOut),
      h("section", { "aria-labelledby": "queue-heading" }, h("h2", { id: "queue-heading" }, t("cQueueTitle")), this.count, this.list),
      h("div", { class: "row consult-consent" }, sound, h("label", { for: "patient-sound" }, t("cPatientSound"))),
      appointmentForm(this.me.practice, (body) => post<CreatedAppointment>("/api/consultation/appointments", body)),
      this.toasts.element,
    );
    this.render(this.patients);
  }

  private render(patients: QueueEntry[]): void {
    // A notice about someone no longer waiting (called in, gone) is no longer true.
    for (const gone of this.patients.filter((p) => !patients.some((q) => q.id === p.id))) this.toasts.dismiss(`arrival-${gone.id}`);
    this.patients = patients;
    const waiting = patients.length ? t("cQueueCount", { count: patients.length }) : undefined;
    this.count.textContent = this.callCount.textContent = waiting ?? t("cQueueEmpty");
    document.title = queueTitle(this.me.practice || t("cStaffTitle"), waiting);
    // In a call only the count changes (Anlage 31b: the doctor is not disturbed).
    const alert = this.arrivals.update(patients, this.inCall, patientSound.on());
    for (const p of alert.notice ? alert.newcomers : []) this.toasts.show(t("cArrived", { who: whoOf(p) }), { key: `arrival-${p.id}` });
    if (alert.sound) playChime();
    this.list.replaceChildren(
      ...patients.map((p) => {
        const who = whoOf(p);
        return h(
          "li",
          {},
          h("strong", {}, who),
          h("span", {}, t("cAppointmentAt", { time: time(p.startsAt) })),
          h("span", {}, t("cWaitingSince", { time: time(p.since) })),
          h("span", { class: p.checked ? "ok" : "warn" }, t(p.checked ? "cDeviceOk" : "cDeviceNotChecked")),
          h("span", { class: p.e2ee ? "ok" : "warn" }, t(p.e2ee ? "cQueueE2ee" : "cQueueNoE2ee")),
          h("button", { type: "button", class: "primary", "aria-label": t("cCallIn", { who }), onclick: () => {
            this.calling = p;
            this.signaling.send({ type: "consultCall", patient: p.id });
          } }, t("cCallInShort")),
          this.patientActions(p.id, who),
        );
      }),
    );
  }

  /** A short message to one waiting patient, and turning them away. */
  private patientActions(patient: string, who: string): HTMLElement {
    const id = `notice-${patient}`;
    const input = h("input", { id, maxlength: 300, value: t("cNoticeDefault") });
    return h(
      "form",
      {
        class: "row consult-actions",
        onsubmit: (event: Event) => {
          event.preventDefault();
          if (input.value.trim()) this.signaling.send({ type: "consultNotice", patient, text: input.value });
        },
      },
      h("label", { for: id, class: "visually-hidden" }, t("cNoticeFor", { who })),
      input,
      // Short visible labels; the accessible names say whom (and begin with the visible text, WCAG 2.5.3).
      h("button", { type: "submit", "aria-label": t("cSendNotice", { who }) }, t("cSendNoticeShort")),
      h("button", { type: "button", "aria-label": t("cTurnAway", { who }), onclick: () => this.signaling.send({ type: "consultTurnAway", patient }) }, t("cTurnAwayShort")),
    );
  }
}
