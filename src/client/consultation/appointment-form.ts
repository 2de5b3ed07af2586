/**
 * The staff page's "New appointment" form: label, start, window → the link, the code, a text to
 * send, and a calendar file (.ics, made here in the browser; ics.ts). The label may name the
 * patient, so it goes into the calendar file only if the staff member ticks the box.
 */
import { t } from "../i18n/index.js";
import { h } from "../ui/dom.js";
import { calendarFile } from "./ics.js";

export interface CreatedAppointment {
  code: string;
  link: string;
  startsAt: number;
  closesAt: number;
}

export const clockTime = (ms: number) => new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

export function appointmentForm(practice: string, create: (body: { label: string; startsAt: number; minutes: number }) => Promise<CreatedAppointment>): HTMLElement {
  const label = h("input", { id: "appointment-label", maxlength: 80, autocomplete: "off" });
  const now = new Date();
  const startsAt = h("input", { id: "appointment-time", type: "time", value: `${String(now.getHours()).padStart(2, "0")}:${String(now.getMinutes()).padStart(2, "0")}` });
  const minutes = h("input", { id: "appointment-minutes", type: "number", min: 5, max: 720, value: 30 });
  const result = h("div", { class: "consult-created", role: "status" });
  return h(
    "form",
    {
      "aria-labelledby": "appointment-heading",
      onsubmit: async (event: Event) => {
        event.preventDefault();
        const [hours, mins] = startsAt.value.split(":").map(Number);
        const start = new Date();
        start.setHours(hours ?? start.getHours(), mins ?? start.getMinutes(), 0, 0);
        try {
          const created = await create({ label: label.value, startsAt: start.getTime(), minutes: Number(minutes.value) });
          const text = t("cInvitation", { practice, link: created.link, time: clockTime(created.startsAt), code: created.code, base: location.origin });
          result.replaceChildren(
            h("p", {}, t("cCreated")),
            h("dl", {}, h("dt", {}, t("cLink")), h("dd", {}, h("a", { href: created.link, target: "_blank", rel: "noopener noreferrer" }, created.link)), h("dt", {}, t("cCode")), h("dd", { class: "consult-code" }, created.code)),
            h("label", { for: "appointment-text" }, t("cCopyText")),
            h("textarea", { id: "appointment-text", readonly: true, rows: 3 }, text),
            calendarDownload(practice, created, label.value.trim()),
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
}

/** "Calendar file (.ics)", and whether the label goes in (off: it may name the patient). */
function calendarDownload(practice: string, created: CreatedAppointment, label: string): HTMLElement {
  const withLabel = h("input", { id: "ics-label", type: "checkbox" });
  const download = () => {
    const summary = t("cIcsSummary", { practice }) + (withLabel.checked && label ? ` (${label})` : "");
    const file = calendarFile({
      uid: crypto.randomUUID(),
      stamp: Date.now(),
      start: created.startsAt,
      end: created.closesAt,
      summary,
      description: t("cIcsDescription", { link: created.link, code: created.code, base: location.origin }),
      url: created.link,
    });
    // A blob of this page: nothing goes to the server, nothing is kept after the click.
    const url = URL.createObjectURL(new Blob([file], { type: "text/calendar;charset=utf-8" }));
    const anchor = h("a", { href: url, download: t("cIcsFileName"), hidden: true });
    document.body.append(anchor);
    anchor.click();
    anchor.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  return h(
    "div",
    { class: "row consult-ics" },
    h("button", { type: "button", onclick: download }, t("cIcsButton")),
    label ? h("span", { class: "row consult-consent" }, withLabel, h("label", { for: "ics-label" }, t("cIcsWithLabel"))) : null,
  );
}
