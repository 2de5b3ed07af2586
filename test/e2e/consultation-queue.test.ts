/**
 * The consultation's queue as staff work it (docs/consultation.md): a calendar file for an
 * appointment (the label only if chosen); a short notice and the chosen sound when a patient
 * starts waiting, but nothing that sounds or pops up during a call, only the count in the call
 * screen and the tab title; putting a patient back on hold (both sides' call closes, the patient
 * sees their old place) and calling them in again.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import { seriousViolations } from "../helpers/axe.js";
import { enrolledStaff, newAppointment, waitingPatient } from "../helpers/consultation.js";

/** The calendar file the staff page downloads, unfolded into its properties. */
async function downloadCalendar(staff: Page): Promise<Map<string, string>> {
  const [download] = await Promise.all([staff.waitForEvent("download"), staff.getByRole("button", { name: "Calendar file (.ics)" }).click()]);
  assert.equal(download.suggestedFilename(), "video-consultation.ics");
  const text = readFileSync((await download.path())!, "utf8");
  const lines = text.replace(/\r\n /g, "").split("\r\n");
  return new Map(lines.filter(Boolean).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]));
}

/** The remote video of the call screen plays. */
async function seesOtherSide(page: Page): Promise<void> {
  await waitUntil("the other side's video plays", () => page.locator("video.consult-remote").evaluate((v: HTMLVideoElement) => v.videoWidth > 0 && v.currentTime > 0), Boolean);
}

/** How many chime notes the page started (test instrumentation, installed before the page loads). */
const chimes = (page: Page) => page.evaluate(() => (window as unknown as { __chimes: number }).__chimes);

describe("consultation queue", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "treff-consultation-queue-"));
  const suite = useServerAndBrowser({
    logLevel: "info",
    config: { consultation: { dataDir }, operator: { name: "Praxis Dr. Muster", contact: "praxis@example.org" } },
  });

  test("calendar file; quiet during a call; put back on hold keeps the place; called in again", async () => {
    const { server, browser } = suite;
    const staff = await enrolledStaff(browser, server, dataDir, "Dr. Muster", {
      viewport: { width: 1280, height: 720 },
      prepare: async (p) =>
        await p.context.addInitScript(() => {
          const w = window as unknown as { __chimes: number };
          w.__chimes = 0;
          const start = OscillatorNode.prototype.start;
          OscillatorNode.prototype.start = function (this: OscillatorNode, ...args: [number?]) {
            w.__chimes++;
            return start.apply(this, args);
          };
        }),
    });
    const page = staff.page;

    // The calendar file: practice, time and link; the label only when ticked.
    const first = await newAppointment(page, "Frau M.");
    const plain = await downloadCalendar(page);
    assert.equal(plain.get("SUMMARY"), "Video consultation: Praxis Dr. Muster");
    assert.equal(plain.get("URL"), first.link);
    assert.ok(plain.get("DESCRIPTION")?.includes(first.link) && plain.get("DESCRIPTION")?.includes(first.code));
    assert.match(plain.get("DTSTART") ?? "", /^\d{8}T\d{6}Z$/);
    assert.match(plain.get("UID") ?? "", /^[0-9a-f-]{36}$/, "a random UID");
    assert.ok(![...plain.values()].some((v) => v.includes("Frau M.")), "no label unless chosen");
    await page.getByLabel("Put the label in the calendar file").check();
    assert.equal((await downloadCalendar(page)).get("SUMMARY"), "Video consultation: Praxis Dr. Muster (Frau M.)");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}/consultation-staff-appointment-phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 720 });

    // Outside a call: a notice, and the sound the staff member switched on.
    await page.getByLabel(/Play a sound when a patient starts waiting/).check();
    const afterPreview = await waitUntil("the preview chime", () => chimes(page), (n) => n > 0);
    const patient = await waitingPatient(browser, first.link, { locale: "de-DE", viewport: { width: 390, height: 844 } });
    await page.getByRole("group", { name: "Frau M. is now waiting" }).waitFor();
    assert.equal(await chimes(page), afterPreview * 2, "one chime for the newcomer");
    assert.equal(await page.title(), "1 waiting – Praxis Dr. Muster");
    await page.screenshot({ path: `${SCREENSHOTS}/consultation-staff-arrival-desktop.png` });

    // In a call: a newcomer changes only the count (on the call screen and in the title).
    const second = await newAppointment(page, "Herr K.");
    await page.getByRole("button", { name: "Call in Frau M." }).click();
    await seesOtherSide(page);
    await seesOtherSide(patient.page);
    const strip = page.getByRole("complementary", { name: "Waiting room" });
    await strip.getByRole("status").filter({ hasText: "Nobody is waiting." }).waitFor();
    const other = await waitingPatient(browser, second.link, { locale: "en-US" });
    // The count and the (withheld) notice come from the same queue message: once it shows, the decision was made.
    await strip.getByRole("status").filter({ hasText: "1 waiting" }).waitFor();
    assert.equal(await page.title(), "1 waiting – Praxis Dr. Muster");
    assert.equal(await chimes(page), afterPreview * 2, "no sound during a call");
    assert.equal(await page.getByRole("group", { name: /is now waiting/ }).count(), 0, "no notice during a call");
    await page.screenshot({ path: `${SCREENSHOTS}/consultation-staff-call-count-desktop.png` });
    assert.deepEqual(await seriousViolations(page), [], "the staff call screen");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SCREENSHOTS}/consultation-staff-call-count-phone.png` });
    await page.setViewportSize({ width: 1280, height: 720 });

    // Back on hold: the call closes on both sides; she keeps her place ahead of the newcomer.
    await page.getByRole("button", { name: "Put back on hold: Frau M." }).click();
    await patient.page.getByRole("heading", { name: "Sie sind wieder im Wartezimmer" }).waitFor();
    await patient.page.getByRole("status").filter({ hasText: "Sie sind Nummer 1 in der Warteschlange." }).waitFor();
    await other.page.getByRole("status").filter({ hasText: "You are number 2 in the queue." }).waitFor();
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-patient-held-phone.png`, fullPage: true });
    await page.getByRole("heading", { name: "Waiting room" }).waitFor();
    assert.deepEqual(await page.locator(".consult-queue li strong").allTextContents(), ["Frau M.", "Herr K."]);
    assert.equal(await page.locator("video.consult-remote").count(), 0, "the staff side's call is closed");
    assert.equal(await patient.page.locator("video.consult-remote").count(), 0, "the patient's call is closed");
    assert.equal(await chimes(page), afterPreview * 2, "neither the one back from hold nor the one who came during the call is news");
    assert.equal(await page.getByRole("group", { name: /is now waiting/ }).count(), 0);

    // Called in again: the camera opens again and the call runs.
    await page.getByRole("button", { name: "Call in Frau M." }).click();
    await seesOtherSide(page);
    await seesOtherSide(patient.page);
    await page.getByRole("button", { name: "End call" }).click();
    await patient.page.getByRole("heading", { name: "Ihre Sprechstunde ist beendet" }).waitFor();
    await page.getByRole("button", { name: "Turn away Herr K." }).click();
    await other.page.getByRole("heading", { name: "Your wait has ended" }).waitFor();
    await page.getByText("Nobody is waiting.").first().waitFor();
    assert.equal(await page.title(), "Praxis Dr. Muster");

    const log = server.logLines.join("\n");
    for (const secret of ["Frau M.", "Herr K.", first.code, second.code]) assert.ok(!log.includes(secret), `the log does not contain ${secret}`);
    await Promise.all([staff.context.close(), patient.context.close(), other.context.close()]);
  });
});
