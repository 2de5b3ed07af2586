/**
 * The consultation's queue and appointments, as staff use them: putting a patient back on hold
 * (hub), the quiet rules for newcomers during a call (queue-alerts.ts), and the calendar file
 * (ics.ts), parsed back as RFC 5545 reads it.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { QueueEntry } from "../../src/protocol/messages.js";
import { T0, testHub } from "../helpers/consultation-hub.js";
import { ArrivalWatch, queueTitle } from "../../src/client/consultation/queue-alerts.js";
import { calendarFile, escapeText, foldLine, utcDateTime } from "../../src/client/consultation/ics.js";


describe("putting a patient back on hold", () => {
  function setUp() {
    const { join, appointments, now, advance } = testHub();
    const wait = (label: string) => {
      const patient = join();
      advance(60_000);
      patient.send({ type: "consultWait", code: appointments.create({ label, startsAt: T0, minutes: 60 }, now())!.code, checked: true, e2ee: false });
      return patient;
    };
    return { join, wait, appointments };
  }

  test("the call closes on both sides; the patient waits again at their old place; any staff member may call them in", () => {
    const { join, wait, appointments } = setUp();
    const anna = join("anna");
    const ben = join("ben");
    anna.send({ type: "consultStaff" });
    ben.send({ type: "consultStaff" });
    const first = wait("Frau M.");
    const second = wait("Herr K.");
    const [m] = anna.last("consultQueue")!.patients;
    anna.send({ type: "consultCall", patient: m!.id });
    assert.equal(second.last("consultWaiting")?.position, 1);
    const third = wait("Frau L.");

    anna.send({ type: "consultHold" });
    assert.deepEqual(first.received.slice(-2), [{ type: "consultHeld" }, { type: "consultWaiting", practice: "Praxis Muster", position: 1 }]);
    assert.deepEqual(anna.received.slice(-2).map((r) => r.type), ["consultEnded", "consultQueue"]);
    assert.deepEqual(ben.last("consultQueue")!.patients.map((p) => [p.label, p.since]), [["Frau M.", m!.since], ["Herr K.", T0 + 120_000], ["Frau L.", T0 + 180_000]], "back at the first place, with the first arrival time");
    assert.equal(second.last("consultWaiting")?.position, 2);
    assert.equal(third.last("consultWaiting")?.position, 3);
    assert.equal(appointments.size, 3, "the appointment still holds (its link stays in use)");

    // Anna is no longer in a call; Ben calls the same patient in.
    anna.send({ type: "consultHangUp" });
    assert.equal(anna.last("error")?.code, "out-of-order");
    ben.send({ type: "consultCall", patient: m!.id });
    assert.equal(first.last("consultConnect")?.offerer, false);
    assert.equal(ben.last("consultConnect")?.offerer, true);
  });

  test("a patient cannot put anyone on hold; staff outside a call are told so", () => {
    const { join, wait } = setUp();
    const staff = join("anna");
    staff.send({ type: "consultStaff" });
    staff.send({ type: "consultHold" });
    assert.equal(staff.last("error")?.code, "out-of-order");
    const patient = wait("");
    staff.send({ type: "consultCall", patient: staff.last("consultQueue")!.patients[0]!.id });
    patient.send({ type: "consultHold" });
    assert.equal(patient.last("error")?.code, "forbidden");
    assert.equal(patient.last("consultHeld"), undefined);
  });
});

describe("newcomers to the queue", () => {
  const entry = (id: string): QueueEntry => ({ id, label: "", name: "", startsAt: T0, since: T0, checked: true, e2ee: true });

  test("outside a call a newcomer gets a notice, and a sound only if switched on; the first list is no news", () => {
    const watch = new ArrivalWatch();
    assert.deepEqual(watch.update([entry("a")], false, true), { newcomers: [], notice: false, sound: false });
    assert.deepEqual(watch.update([entry("a"), entry("b")], false, false), { newcomers: [entry("b")], notice: true, sound: false });
    assert.deepEqual(watch.update([entry("a"), entry("b"), entry("c")], false, true), { newcomers: [entry("c")], notice: true, sound: true });
    assert.deepEqual(watch.update([entry("b"), entry("c")], false, true).notice, false, "someone leaving is no news");
  });

  test("in a call nothing sounds or pops up; a patient back from hold is no newcomer", () => {
    const watch = new ArrivalWatch();
    watch.update([], false, true);
    assert.deepEqual(watch.update([entry("b")], true, true), { newcomers: [entry("b")], notice: false, sound: false });
    // After the call: b was already counted; a, back on hold, was seen before.
    watch.update([], true, true);
    assert.deepEqual(watch.update([entry("a"), entry("b")], false, true).newcomers, [entry("a")]);
    assert.deepEqual(watch.update([entry("a"), entry("b")], false, true).newcomers, []);
  });

  test("the tab title leads with the count", () => {
    assert.equal(queueTitle("Praxis Muster", "2 waiting"), "2 waiting – Praxis Muster");
    assert.equal(queueTitle("Praxis Muster", undefined), "Praxis Muster");
  });
});

/** RFC 5545 read back: lines end in CRLF, none over 75 octets, folds unfolded, TEXT unescaped. */
function parseCalendar(file: string): { lines: string[]; props: Map<string, string> } {
  assert.ok(file.endsWith("\r\n"), "the last line ends in CRLF too");
  assert.ok(!/[^\r]\n|\r[^\n]/.test(file), "every line break is CRLF");
  const physical = file.slice(0, -2).split("\r\n");
  for (const line of physical) assert.ok(new TextEncoder().encode(line).length <= 75, `at most 75 octets: ${line}`);
  const lines = physical.join("\r\n").replace(/\r\n[ \t]/g, "").split("\r\n");
  const props = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1);
    props.set(name, name === "URL" ? value : value.replace(/\\([\\;,nN])/g, (_, c: string) => (c === "n" || c === "N" ? "\n" : c)));
  }
  return { lines, props };
}

describe("the appointment's calendar file", () => {
  const event = {
    uid: "0d6f8c1e-5b0a-4c55-9d1e-8a1c3f2b7e44",
    stamp: T0 - 3 * 3600_000,
    start: T0,
    end: T0 + 30 * 60_000,
    summary: "Videosprechstunde: Praxis für Allgemeinmedizin Dr. Müller-Lüdenscheidt, Köln; Zimmer 3 (Frau M., 10:30)",
    description: "Öffnen Sie zu Ihrem Termin diesen Link: https://video.praxis.example/sprechstunde#Ab3_xY9-kLmNoPqRsTuVw1\nOder geben Sie den Code 48213307 ein. Back\\slash.",
    url: "https://video.praxis.example/sprechstunde#Ab3_xY9-kLmNoPqRsTuVw1",
  };

  test("one VEVENT in UTC, with summary, description and link as given, parsed back", () => {
    const { lines, props } = parseCalendar(calendarFile(event));
    assert.deepEqual([lines[0], lines.at(-1)], ["BEGIN:VCALENDAR", "END:VCALENDAR"]);
    assert.equal(lines.filter((l) => l === "BEGIN:VEVENT").length, 1);
    assert.equal(props.get("VERSION"), "2.0");
    assert.ok(props.get("PRODID"));
    assert.equal(props.get("DTSTART"), "20261128T100000Z");
    assert.equal(props.get("DTEND"), "20261128T103000Z");
    assert.equal(props.get("DTSTAMP"), "20261128T070000Z");
    assert.equal(props.get("UID"), event.uid);
    assert.equal(props.get("SUMMARY"), event.summary);
    assert.equal(props.get("DESCRIPTION"), event.description);
    assert.equal(props.get("URL"), event.url);
  });

  test("folding never splits a character and keeps each line within 75 octets; TEXT escapes ; , \\ and line breaks", () => {
    const long = "ü".repeat(100);
    const folded = foldLine(`SUMMARY:${long}`);
    for (const line of folded.split("\r\n")) assert.ok(new TextEncoder().encode(line).length <= 75);
    assert.equal(folded.replace(/\r\n /g, ""), `SUMMARY:${long}`);
    assert.ok(!folded.includes("\uFFFD"));
    assert.equal(foldLine("SHORT:x"), "SHORT:x");
    assert.equal(escapeText("a;b,c\\d\r\ne\nf"), "a\\;b\\,c\\\\d\\ne\\nf");
    assert.equal(utcDateTime(Date.UTC(2027, 0, 2, 3, 4, 5, 678)), "20270102T030405Z");
  });
});
