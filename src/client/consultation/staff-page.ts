/**
 * The practice's side: passkey enrolment (from the operator's one-time link), sign-in, the
 * shared waiting queue with "call in", and new appointments (link, code, text to send).
 */
import { startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { QueueEntry } from "../../protocol/messages.js";
import { t } from "../i18n/index.js";
import { SignalingClient } from "../signaling.js";
import { announce, h } from "../ui/dom.js";
import { languageSwitch } from "../ui/language-switch.js";
import { CallSession, openLocalMedia } from "./call-session.js";

type Show = (screen: HTMLElement) => void;

async function post<T>(path: string, body: unknown = {}): Promise<T> {
  const response = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = (await response.json().catch(() => ({}))) as T & { error?: string };
  if (!response.ok) throw new Error(json.error ?? String(response.status));
  return json;
}

const time = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

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

class QueueScreen {
  readonly element: HTMLElement;
  private readonly list = h("ul", { class: "consult-queue" });
  private readonly count = h("p", { role: "status" });
  private readonly signaling: SignalingClient;
  private readonly calls: CallSession;
  private patients: QueueEntry[] = [];

  constructor(
    private readonly me: { name: string; practice: string },
    private readonly show: Show,
  ) {
    this.element = h("main", { class: "card consult consult-staff" });
    this.signaling = new SignalingClient({ open: () => this.signaling.send({ type: "consultStaff" }), close: () => {} });
    this.calls = new CallSession(this.signaling, show);
    this.signaling.on("consultQueue", (message) => this.render(message.patients));
    this.signaling.on("consultConnect", (message) => void openLocalMedia().then(({ stream }) => {
      this.local = stream;
      this.calls.begin(message, stream);
    }));
    this.signaling.on("consultEnded", () => {
      this.calls.end();
      for (const track of this.local?.getTracks() ?? []) track.stop();
      this.show(this.element);
      announce(t("cEndedStaff"));
    });
    this.signaling.connect();
    this.draw();
  }

  private local: MediaStream | undefined;

  private draw(): void {
    const signOut = h("button", { type: "button", onclick: async () => {
      await post("/api/staff/logout");
      this.signaling.stop();
      location.reload();
    } }, t("cSignOut"));
    this.element.replaceChildren(
      languageSwitch(() => this.draw()),
      h("h1", {}, this.me.practice || t("cStaffTitle")),
      h("p", { class: "row consult-me" }, t("cSignedInAs", { name: this.me.name }), signOut),
      h("section", { "aria-labelledby": "queue-heading" }, h("h2", { id: "queue-heading" }, t("cQueueTitle")), this.count, this.list),
      this.appointmentForm(),
    );
    this.render(this.patients);
  }

  private render(patients: QueueEntry[]): void {
    this.patients = patients;
    this.count.textContent = patients.length ? t("cQueueCount", { count: patients.length }) : t("cQueueEmpty");
    this.list.replaceChildren(
      ...patients.map((p) => {
        const who = [p.label, p.name].filter(Boolean).join(" · ") || t("cPatient");
        return h(
          "li",
          {},
          h("strong", {}, who),
          h("span", {}, t("cAppointmentAt", { time: time(p.startsAt) })),
          h("span", {}, t("cWaitingSince", { time: time(p.since) })),
          h("span", { class: p.checked ? "ok" : "warn" }, t(p.checked ? "cDeviceOk" : "cDeviceNotChecked")),
          h("button", { type: "button", class: "primary", "aria-label": t("cCallIn", { who }), onclick: () => this.signaling.send({ type: "consultCall", patient: p.id }) }, t("cCallInShort")),
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

  private appointmentForm(): HTMLElement {
    const label = h("input", { id: "appointment-label", maxlength: 80, autocomplete: "off" });
    const now = new Date();
    const startsAt = h("input", { id: "appointment-time", type: "time", value: `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}` });
    const minutes = h("input", { id: "appointment-minutes", type: "number", min: 5, max: 720, value: 30 });
    const result = h("div", { class: "consult-created", role: "status" });
    const form = h(
      "form",
      {
        "aria-labelledby": "appointment-heading",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const [hours, mins] = startsAt.value.split(":").map(Number);
          const start = new Date();
          start.setHours(hours ?? start.getHours(), mins ?? start.getMinutes(), 0, 0);
          try {
            const created = await post<{ code: string; link: string; startsAt: number }>("/api/consultation/appointments", {
              label: label.value,
              startsAt: start.getTime(),
              minutes: Number(minutes.value),
            });
            const text = t("cInvitation", { practice: this.me.practice, link: created.link, time: time(created.startsAt), code: created.code, base: location.origin });
            result.replaceChildren(
              h("p", {}, t("cCreated")),
              h("dl", {}, h("dt", {}, t("cLink")), h("dd", {}, h("a", { href: created.link, target: "_blank", rel: "noopener noreferrer" }, created.link)), h("dt", {}, t("cCode")), h("dd", { class: "consult-code" }, created.code)),
              h("label", { for: "appointment-text" }, t("cCopyText")),
              h("textarea", { id: "appointment-text", readonly: true, rows: 3 }, text),
            );
          } catch (error) {
            result.replaceChildren(h("p", { role: "alert" }, (error as Error).message));
          }
        },
      },
      h("h2", { id: "appointment-heading" }, t("cNewAppointment")),
      h("label", { for: "appointment-label" }, t("cLabel")),
      label,
      h("div", { class: "row" }, h("div", {}, h("label", { for: "appointment-time" }, t("cStartsAt")), startsAt), h("div", {}, h("label", { for: "appointment-minutes" }, t("cMinutes")), minutes)),
      h("button", { type: "submit", class: "primary" }, t("cCreate")),
      result,
    );
    return form;
  }
}
