/**
 * The practice's queue is shared by all its staff (docs/consultation.md, issue 12): two staff
 * members have it open; a patient called in by one disappears from the other's list; put back on
 * hold, she is first in both lists again (ahead of a patient who came later), and the other staff
 * member calls her in: a new end-to-end encrypted call with the same safety code on both sides,
 * while the first staff member's page stays on the queue. After that call the first staff member
 * calls in the second patient.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { newParticipant, type ParticipantPage } from "../helpers/browser.js";
import { catalogue, consultationBase, enrolledStaff, newAppointment, waitingPatient } from "../helpers/consultation.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

const DESKTOP = { width: 1280, height: 720 };
const PHONE = { width: 390, height: 844 };

/**
 * Who waits, in order, as the page shows it: the accessible names of the "Call in …" buttons in the
 * list of the region named after the queue (which is not on the page during a call).
 */
async function queueSeenBy(page: Page, locale: string): Promise<string[]> {
  const texts = catalogue(locale);
  const [before, after] = texts.cCallIn.split("{who}") as [string, string];
  const list = page.getByRole("region", { name: texts.cQueueTitle }).getByRole("list");
  const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const callIn = new RegExp(`^${literal(before)}.+${literal(after)}$`);
  const labels = await list.getByRole("button", { name: callIn }).evaluateAll((buttons) => buttons.map((b) => b.getAttribute("aria-label") ?? ""));
  return labels.map((label) => label.slice(before.length, label.length - after.length));
}

async function waitForQueue(page: Page, locale: string, expected: string[]): Promise<void> {
  await waitUntil(`the queue ${JSON.stringify(expected)}`, () => queueSeenBy(page, locale), (seen) => JSON.stringify(seen) === JSON.stringify(expected));
}

/** The <video> with this accessible name decodes frames: its size is known and its time moves on. */
async function videoPlays(page: Page, name: string): Promise<void> {
  const video = page.getByLabel(name, { exact: true });
  const start = await waitUntil(`${name} has frames`, () => video.evaluate((v: HTMLVideoElement) => (v.videoWidth > 0 ? v.currentTime : -1)), (t) => t >= 0);
  await waitUntil(`${name} keeps playing`, () => video.evaluate((v: HTMLVideoElement) => v.currentTime), (t) => t > start + 0.5);
}

/** The digits of the safety-code dialog, opened with "Verify …", then closed. */
async function safetyCode(page: Page, verify: string, close: string): Promise<string> {
  await page.getByRole("button", { name: verify }).click();
  const dialog = page.getByRole("dialog");
  const code = await waitUntil("the safety code", async () => ((await dialog.locator(".safety-code").textContent()) ?? "").trim(), (c) => /^(\d{5} ){11}\d{5}$/.test(c));
  await dialog.getByRole("button", { name: close }).click();
  return code;
}

/** A patient on a desktop types their code on /sprechstunde, consents and waits (no device check). */
async function waitingByCode(browser: Browser, base: string, code: string): Promise<ParticipantPage> {
  const patient = await newParticipant(browser, { locale: "en-US", viewport: DESKTOP });
  await patient.page.goto(`${base}/sprechstunde`);
  await patient.page.getByLabel("Enter the code from your practice").fill(code);
  await patient.page.getByRole("button", { name: "Continue" }).click();
  await patient.page.getByLabel(/I agree to a video consultation/).check();
  await patient.page.getByRole("button", { name: "Enter the waiting room" }).click();
  await patient.page.locator(".consult-place").filter({ hasText: /\d/ }).waitFor();
  return patient;
}

describe("consultation handover between staff", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "treff-consultation-handover-"));
  const suite = useServerAndBrowser({
    logLevel: "info",
    config: { consultation: { dataDir }, operator: { name: "Praxis Dr. Muster", contact: "praxis@example.org" } },
  });

  test("called in by one, put back on hold, called in by another: the queue, the call and its encryption follow", async () => {
    const { server, browser } = suite;
    // Staff A works in English, staff B in German; both have the queue open.
    const a = await enrolledStaff(browser, server, dataDir, "Dr. Muster", { locale: "en-US", viewport: DESKTOP });
    const b = await enrolledStaff(browser, server, dataDir, "Dr. Beispiel", { locale: "de-DE", viewport: DESKTOP });
    const first = await newAppointment(a.page, "Frau M.");
    const second = await newAppointment(a.page, "Herr K.");

    // 1. Frau M. (a phone, German) opens her link; Herr K. types his code later.
    const patient = await waitingPatient(browser, first.link, { locale: "de-DE", viewport: PHONE });
    await patient.page.getByRole("status").filter({ hasText: "Sie sind Nummer 1 in der Warteschlange." }).waitFor();
    const other = await waitingByCode(browser, consultationBase(server), second.code);
    await other.page.getByRole("status").filter({ hasText: "You are number 2 in the queue." }).waitFor();
    await waitForQueue(a.page, "en-US", ["Frau M.", "Herr K."]);
    await waitForQueue(b.page, "de-DE", ["Frau M.", "Herr K."]);

    // 2. A calls her in: she leaves B's list; A and she see each other.
    await a.page.getByRole("button", { name: "Call in Frau M." }).click();
    await waitForQueue(b.page, "de-DE", ["Herr K."]);
    await b.page.getByRole("region", { name: "Wartezimmer" }).getByRole("status").filter({ hasText: "1 warten" }).waitFor();
    await videoPlays(a.page, "The other side's video");
    await videoPlays(patient.page, "Video der Gegenseite");
    await other.page.getByRole("status").filter({ hasText: "You are number 1 in the queue." }).waitFor();

    // 3. A puts her back on hold: she waits again at her old place, first, ahead of Herr K.; B sees her first again.
    await a.page.getByRole("button", { name: "Put back on hold: Frau M." }).click();
    await patient.page.getByRole("heading", { name: "Sie sind wieder im Wartezimmer" }).waitFor();
    await patient.page.getByRole("status").filter({ hasText: "Sie sind Nummer 1 in der Warteschlange." }).waitFor();
    await other.page.getByRole("status").filter({ hasText: "You are number 2 in the queue." }).waitFor();
    await waitForQueue(b.page, "de-DE", ["Frau M.", "Herr K."]);
    await waitForQueue(a.page, "en-US", ["Frau M.", "Herr K."]);
    await b.page.screenshot({ path: `${SCREENSHOTS}/consultation-handover-staff-queue-desktop.png` });
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-handover-patient-held-phone.png`, fullPage: true });

    // 4. B calls her in: a new call, end-to-end encrypted, the same safety code on both sides.
    await b.page.getByRole("button", { name: "Frau M. aufrufen" }).click();
    await videoPlays(b.page, "Video der Gegenseite");
    await videoPlays(patient.page, "Video der Gegenseite");
    await b.page.getByRole("status").filter({ hasText: "Ende-zu-Ende-verschlüsselt" }).waitFor();
    await patient.page.getByRole("status").filter({ hasText: "Ende-zu-Ende-verschlüsselt" }).waitFor();
    const staffCode = await safetyCode(b.page, "Frau M. überprüfen", "Schließen");
    const patientCode = await safetyCode(patient.page, "Praxis Dr. Muster überprüfen", "Schließen");
    assert.equal(staffCode, patientCode, "B and Frau M. see the same safety code");
    // A's page stays on the queue, without her. The queue message that shows it comes from the same
    // call-in, after the call was set up: a call screen for A would have come before it.
    await waitForQueue(a.page, "en-US", ["Herr K."]);
    await a.page.getByRole("heading", { name: "Waiting room" }).waitFor();
    assert.equal(await a.page.getByLabel("The other side's video", { exact: true }).count(), 0, "A is not in a call");
    assert.equal(await a.page.getByRole("button", { name: /^Put back on hold/ }).count(), 0, "A has no call to put on hold");

    // 5. B hangs up: the consultation is over for her; A calls in Herr K. and sees him.
    await b.page.getByRole("button", { name: "Gespräch beenden" }).click();
    await patient.page.getByRole("heading", { name: "Ihre Sprechstunde ist beendet" }).waitFor();
    await b.page.getByRole("heading", { name: "Wartezimmer" }).waitFor();
    await a.page.getByRole("button", { name: "Call in Herr K." }).click();
    await videoPlays(a.page, "The other side's video");
    await videoPlays(other.page, "The other side's video");
    await b.page.getByRole("region", { name: "Wartezimmer" }).getByText("Niemand wartet.").waitFor();
    await a.page.getByRole("button", { name: "End call" }).click();
    await other.page.getByRole("heading", { name: "Your consultation has ended" }).waitFor();

    const log = server.logLines.join("\n");
    for (const secret of ["Frau M.", "Herr K.", first.code, second.code]) assert.ok(!log.includes(secret), `the log does not contain ${secret}`);
    await Promise.all([a.context.close(), b.context.close(), patient.context.close(), other.context.close()]);
  });
});
