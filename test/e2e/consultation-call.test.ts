/**
 * The consultation's call in real Chromium (docs/consultation.md, docs/e2ee.md "Video
 * consultation"): the two browsers encrypt every frame with the meetings' E2EE worker, exchange
 * their media keys sealed to each other's identity key through the server (which relays them
 * without reading), and show the same safety code; a browser whose keys are wrong receives the
 * other's frames but decodes none. Each side can share a screen (not a phone that cannot), and
 * the other sees it playing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { newParticipant, type ParticipantOptions, type ParticipantPage } from "../helpers/browser.js";
import { inboundVideo, instrumentE2ee, keySpellings, recordedKeys, recordSignaling, workerStats } from "../helpers/e2ee.js";
import { SCREENSHOTS, useServerAndBrowser, type ServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** The <video> with this accessible name plays frames (its size is known and time moves on). */
async function videoPlays(page: Page, name: string): Promise<void> {
  const video = page.locator(`video[aria-label="${name}"]`);
  await waitUntil(`${name} plays`, () => video.evaluate((v: HTMLVideoElement) => !v.hidden && v.videoWidth > 0 && v.currentTime > 0), Boolean);
  const frames = () => video.evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);
  const first = await frames();
  await waitUntil(`${name} keeps playing`, frames, (n) => n > first + 5);
}

/** A staff member (signed in with a session as the passkey would give) calls in a patient who opened a link. */
async function startCall(suite: ServerAndBrowser, label: string, patientOptions: ParticipantOptions, instrument: { patient?: (p: ParticipantPage) => Promise<void> } = {}) {
  const { server, browser } = suite;
  const { account } = server.consultation.store.add(`Dr. ${label}`);
  const cookie = server.consultation.sessions.issue(account.id);
  const response = await fetch(`${server.url}/api/consultation/appointments`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `treff_staff=${cookie}` },
    body: JSON.stringify({ label }),
  });
  const { link } = (await response.json()) as { link: string };

  const staff = await newParticipant(browser, { viewport: { width: 1280, height: 720 } });
  await instrumentE2ee(staff.context);
  await staff.context.addCookies([{ name: "treff_staff", value: cookie, url: server.url }]);
  const staffFrames = recordSignaling(staff.page);
  await staff.page.goto(`${server.url}/staff`);

  const patient = await newParticipant(browser, patientOptions);
  await instrument.patient?.(patient);
  const patientFrames = recordSignaling(patient.page);
  await patient.page.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
  const german = patientOptions.locale === "de-DE";
  await patient.page.getByLabel(german ? /Ich willige in eine Videosprechstunde ein/ : /I agree to a video consultation/).check();
  await patient.page.getByRole("button", { name: german ? "Ins Wartezimmer" : "Enter the waiting room" }).click();
  await staff.page.getByRole("button", { name: `Call in ${label}` }).click();
  return { staff, patient, signaling: () => [...staffFrames, ...patientFrames] };
}

/** The digits of the safety-code dialog, opened with "Verify …", then closed. */
async function safetyCode(page: Page, verify: string, close: string, screenshot?: string): Promise<string> {
  await page.getByRole("button", { name: verify }).click();
  const dialog = page.getByRole("dialog");
  const code = await waitUntil("the safety code", async () => (await dialog.locator(".safety-code").textContent()) ?? "", (c) => /^(\d{5} ){11}\d{5}$/.test(c.trim()));
  if (screenshot) await page.screenshot({ path: `${SCREENSHOTS}/${screenshot}` });
  await dialog.getByRole("button", { name: close }).click();
  return code.trim();
}

describe("the consultation call: end-to-end encryption and screen sharing", () => {
  const suite = useServerAndBrowser({
    logLevel: "warn",
    config: { consultation: { dataDir: mkdtempSync(join(tmpdir(), "treff-ccall-")) }, operator: { name: "Praxis Dr. Muster", contact: "praxis@example.org" } },
  });

  test("both encrypt every frame, keys travel sealed, both see the same safety code; staff share a screen, a phone is offered none", async (t) => {
    const { staff, patient, signaling } = await startCall(suite, "Frau M.", { locale: "de-DE", viewport: { width: 390, height: 844 } }, {
      patient: async (p) => {
        await instrumentE2ee(p.context);
        // A phone's browser cannot share a screen.
        await p.context.addInitScript(() => delete (MediaDevices.prototype as { getDisplayMedia?: unknown }).getDisplayMedia);
      },
    });
    await videoPlays(staff.page, "The other side's video");
    await videoPlays(patient.page, "Video der Gegenseite");
    await staff.page.getByRole("status").filter({ hasText: "End-to-end encrypted" }).waitFor();
    await patient.page.getByRole("status").filter({ hasText: "Ende-zu-Ende-verschlüsselt" }).waitFor();

    // Every frame went through the worker both ways: encrypted by the sender, decrypted by the receiver.
    for (const page of [staff.page, patient.page]) {
      const stats = await waitUntil("frames decrypted", () => workerStats(page), (s) => (s?.decrypted ?? 0) > 50 && (s?.encrypted ?? 0) > 50);
      assert.ok(stats!.failed < stats!.decrypted / 10, `few frames fail: ${JSON.stringify(stats)}`);
      const perFrame = (ms: number, n: number) => `${((ms / n) * 1000).toFixed(0)} µs`;
      t.diagnostic(`frames encrypted ${stats!.encrypted} (${perFrame(stats!.encryptMs, stats!.encrypted)} each), decrypted ${stats!.decrypted} (${perFrame(stats!.decryptMs, stats!.decrypted)} each), failed ${stats!.failed}`);
    }
    // The media keys each side used reached the other only sealed: no raw key in any signaling frame.
    const keys = [...(await recordedKeys(staff.page)), ...(await recordedKeys(patient.page))];
    assert.ok(keys.some((k) => k.type === "receiveKey") && keys.some((k) => k.type === "sendKey"));
    const seen = signaling().join("\n");
    assert.ok(seen.includes('"type":"consultKey"'), "keys went through the server");
    for (const key of keys) for (const spelling of keySpellings(key.hex)) assert.ok(!seen.includes(spelling), "a raw media key reached the server");

    // Both see the same safety code; the staff member marks the patient verified.
    const staffCode = await safetyCode(staff.page, "Verify Frau M.", "Close");
    const patientCode = await safetyCode(patient.page, "Praxis Dr. Muster überprüfen", "Schließen", "consultation-call-safety-code-phone.png");
    assert.equal(staffCode, patientCode);
    await staff.page.getByRole("button", { name: "Verify Frau M." }).click();
    await staff.page.getByRole("button", { name: "The digits match: Frau M. is verified" }).click();
    await staff.page.getByRole("button", { name: "Frau M.: verified" }).waitFor();

    // Sealed chat reaches the patient (a phone: the chat panel opens over the stage).
    await staff.page.getByRole("button", { name: "Chat" }).click();
    await staff.page.getByLabel("Message").fill("Guten Tag, Frau M.");
    await staff.page.getByRole("button", { name: "Send" }).click();
    await patient.page.getByRole("button", { name: "Chat" }).click();
    await patient.page.getByText("Guten Tag, Frau M.").waitFor();
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-call-chat-phone.png` });
    await patient.page.getByRole("button", { name: "Chat" }).click();

    // The staff member shares a screen: the patient sees it playing, beside the camera.
    assert.equal(await patient.page.getByRole("button", { name: /teilen/i }).count(), 0, "a phone is offered no screen sharing");
    await staff.page.getByRole("button", { name: "Share screen" }).click();
    await staff.page.getByText("You are sharing your screen with the other side.").waitFor();
    await videoPlays(patient.page, "Bildschirm der Gegenseite");
    await videoPlays(patient.page, "Video der Gegenseite");
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-call-screen-phone.png` });
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-call-e2ee-desktop.png` });
    await staff.page.getByRole("button", { name: "Stop sharing" }).click();
    await patient.page.locator('video[aria-label="Bildschirm der Gegenseite"]').waitFor({ state: "hidden" });

    await staff.page.getByRole("button", { name: "End call" }).click();
    await patient.page.getByRole("heading", { name: "Ihre Sprechstunde ist beendet" }).waitFor();
    await Promise.all([staff.context.close(), patient.context.close()]);
  });

  test("a browser that cannot encrypt frames: the call runs on DTLS-SRTP alone, and both screens say so", async () => {
    const { staff, patient } = await startCall(suite, "Frau A.", { locale: "en-US" }, {
      patient: async (p) => {
        await p.context.addInitScript(() => delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform);
      },
    });
    await videoPlays(staff.page, "The other side's video");
    await videoPlays(patient.page, "The other side's video");
    await staff.page.getByRole("status").filter({ hasText: "Not end-to-end encrypted for everyone" }).filter({ hasText: "Frau A.: not end-to-end encrypted" }).waitFor();
    await patient.page.getByRole("status").filter({ hasText: "This browser cannot encrypt end to end." }).waitFor();
    assert.equal(await staff.page.getByRole("button", { name: /^Verify/ }).count(), 0, "no safety code without end-to-end encryption");
    await staff.page.getByRole("button", { name: "Chat" }).click();
    await staff.page.getByLabel("Message").fill("Hello");
    await staff.page.getByRole("button", { name: "Send" }).click();
    await patient.page.getByRole("button", { name: "Chat" }).click();
    await patient.page.getByText("Hello").waitFor();
    await staff.page.getByRole("button", { name: "End call" }).click();
    await Promise.all([staff.context.close(), patient.context.close()]);
  });

  test("a browser with the wrong keys gets the other's frames but decodes none; the patient shares a screen", async () => {
    const { staff, patient } = await startCall(suite, "Herr K.", { locale: "en-US", viewport: { width: 1280, height: 720 } }, {
      // Test-only: every key this patient's page hands its worker for decrypting is corrupted.
      patient: (p) => instrumentE2ee(p.context, { corruptReceivedKeys: true }),
    });
    await videoPlays(staff.page, "The other side's video");
    const received = await waitUntil("the staff side's video reaches the patient", () => inboundVideo(patient.page), (v) => v.bytes > 50_000);
    assert.equal(received.framesDecoded, 0, "without the right key, nothing decodes");
    const stats = await workerStats(patient.page);
    assert.ok(stats && stats.failed > 0 && stats.decrypted === 0, `the worker dropped every frame: ${JSON.stringify(stats)}`);

    await patient.page.getByRole("button", { name: "Share screen" }).click();
    await videoPlays(staff.page, "The other side's screen");
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-call-screen-desktop.png` });
    await staff.page.getByRole("button", { name: "End call" }).click();
    await patient.page.getByRole("heading", { name: "Your consultation has ended" }).waitFor();
    await Promise.all([staff.context.close(), patient.context.close()]);
  });
});
