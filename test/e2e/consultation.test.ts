/**
 * The video consultation end to end (docs/consultation.md), with two Chromium contexts: the
 * operator's command makes a staff account; the staff member registers a passkey (Chromium's
 * virtual authenticator), signs out and in again, and creates an appointment; the patient (a
 * phone, in German) opens the link, tests camera and microphone, consents and waits; the staff
 * member sees them (and a second patient who typed their code on /sprechstunde), messages the first
 * and calls them in; both decode each other's video over one direct
 * connection whose selected candidate pair joins the two browsers (not Janus); they chat;
 * hang-up ends it for both, the second patient moves up and is turned away, and the used link is refused.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { runStaffCommand } from "../../src/consultation/cli.js";
import { newParticipant } from "../helpers/browser.js";
import { connectedPairs } from "../helpers/consultation.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import { seriousViolations } from "../helpers/axe.js";

/** Frames decoded from the page's direct connection's incoming video. */
async function decodedFrames(page: Page): Promise<number> {
  return page.evaluate(async () => {
    const list = (window as unknown as { __treffPeerConnections?: RTCPeerConnection[] }).__treffPeerConnections ?? [];
    let frames = 0;
    for (const pc of list) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
        if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded ?? 0;
      });
    }
    return frames;
  });
}

/** The remote <video> plays frames (its size is known and time moves on). */
async function remoteVideoPlays(page: Page, name: string): Promise<void> {
  const video = page.getByRole("main").locator(`video[aria-label="${name}"]`);
  await waitUntil(`${name} plays`, () => video.evaluate((v: HTMLVideoElement) => v.videoWidth > 0 && v.currentTime > 0), Boolean);
}

describe("video consultation", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "treff-consultation-"));
  const suite = useServerAndBrowser({
    logLevel: "info",
    config: { consultation: { dataDir }, operator: { name: "Praxis Dr. Muster", contact: "praxis@example.org" } },
  });

  test("passkey staff call in a waiting patient; the two browsers connect directly and see each other", async () => {
    const { server, browser } = suite;
    // WebAuthn needs a domain, not an IP address, as relying party: the pages use "localhost".
    const base = server.url.replace("127.0.0.1", "localhost");
    const port = new URL(server.url).port;

    // The operator creates the account; the command prints a one-time enrolment link.
    const printed: string[] = [];
    assert.equal(runStaffCommand(["add", "Dr. Muster"], { TREFF_DATA_DIR: dataDir, PORT: port, HOST: "localhost" }, (l) => printed.push(l)), 0);
    const enrolLink = printed.find((l) => l.includes("/staff/enrol#"));
    assert.ok(enrolLink?.startsWith(`${base}/staff/enrol#`), printed.join("\n"));

    const staff = await newParticipant(browser, { viewport: { width: 1280, height: 720 } });
    const cdp = await staff.context.newCDPSession(staff.page);
    await cdp.send("WebAuthn.enable", {});
    await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await staff.page.goto(enrolLink!);
    await staff.page.getByRole("button", { name: "Register passkey" }).click();
    await staff.page.getByRole("heading", { name: "Waiting room" }).waitFor();
    const stored = JSON.parse(readFileSync(join(dataDir, "consultation.json"), "utf8")) as { staff: { name: string; passkeys: unknown[]; enrolment?: unknown }[] };
    assert.equal(stored.staff[0]?.passkeys.length, 1, "one passkey stored");
    assert.equal(stored.staff[0]?.enrolment, undefined, "the enrolment link is used up");

    // Signed out, the queue is out of reach; the passkey signs in again.
    await staff.page.getByRole("button", { name: "Sign out" }).click();
    await staff.page.getByRole("button", { name: "Sign in with passkey" }).click();
    await staff.page.getByRole("heading", { name: "Waiting room" }).waitFor();
    const [cookie] = await staff.context.cookies();
    assert.equal(cookie?.name, "treff_staff");
    assert.equal(cookie?.httpOnly, true);
    assert.equal(cookie?.sameSite, "Strict");

    // A used enrolment link is refused.
    const replay = await fetch(`${server.url}/api/staff/enrol/options`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: enrolLink!.split("#")[1] }) });
    assert.equal(replay.status, 404);

    await staff.page.getByLabel(/^Label/).fill("Frau M., 10:30");
    await staff.page.getByRole("button", { name: "Create link" }).click();
    const link = await staff.page.locator(".consult-created a").textContent();
    assert.match(link ?? "", /^http:\/\/localhost:\d+\/sprechstunde#[A-Za-z0-9_-]{22}$/);
    const code = (await staff.page.locator(".consult-code").textContent()) ?? "";
    assert.match(code, /^\d{8}$/);

    // The patient: a phone, in German, no account.
    const patient = await newParticipant(browser, { locale: "de-DE", viewport: { width: 390, height: 844 } });
    // Test-only instrumentation: every track the page opens, to check that all are closed at the end.
    await patient.context.addInitScript(() => {
      const tracks: MediaStreamTrack[] = [];
      (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks = tracks;
      const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getUserMedia = async (constraints) => {
        const stream = await original(constraints);
        tracks.push(...stream.getTracks());
        return stream;
      };
    });
    await patient.page.goto(link!);
    await patient.page.getByRole("heading", { name: "Videosprechstunde bei Praxis Dr. Muster" }).waitFor();
    await patient.page.getByRole("heading", { name: "Nutzungsbedingungen" }).waitFor();
    assert.equal(await patient.page.getByRole("link", { name: "Datenschutzhinweise" }).getAttribute("href"), "/privacy?lang=de");
    assert.equal(new URL(patient.page.url()).hash, "", "the token leaves the address bar");
    await patient.page.getByRole("button", { name: "Ins Wartezimmer" }).click();
    await patient.page.getByText("Bitte bestätigen Sie zuerst Ihre Einwilligung.").waitFor();
    await patient.page.getByRole("button", { name: "Kamera und Mikrofon testen" }).click();
    await patient.page.getByText("Kamera und Mikrofon funktionieren.").waitFor();
    await patient.page.getByLabel("Ihr Name (freiwillig)").fill("Maria");
    await patient.page.getByLabel(/Ich willige in eine Videosprechstunde ein/).check();
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-patient-landing-phone.png`, fullPage: true });
    assert.deepEqual(await seriousViolations(patient.page), [], "the patient's first page");
    await patient.page.getByRole("button", { name: "Ins Wartezimmer" }).click();
    await patient.page.getByRole("status").filter({ hasText: "Sie sind Nummer 1 in der Warteschlange." }).waitFor();
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-patient-waiting-phone.png`, fullPage: true });
    assert.deepEqual(await seriousViolations(patient.page), [], "the waiting screen");

    // A second patient types their code on /sprechstunde (a desktop, in English) and waits behind.
    await staff.page.getByLabel(/^Label/).fill("Herr K.");
    await staff.page.getByRole("button", { name: "Create link" }).click();
    const secondCode = await waitUntil("the second code", async () => (await staff.page.locator(".consult-code").textContent()) ?? "", (c) => /^\d{8}$/.test(c) && c !== code);
    const second = await newParticipant(browser, { locale: "en-US", viewport: { width: 1280, height: 720 } });
    await second.page.goto(`${base}/sprechstunde`);
    await second.page.getByLabel("Enter the code from your practice").fill(`${secondCode.slice(0, 4)} ${secondCode.slice(4)}`);
    await second.page.getByRole("button", { name: "Continue" }).click();
    await second.page.getByLabel(/I agree to a video consultation/).check();
    await second.page.getByRole("button", { name: "Enter the waiting room" }).click();
    await second.page.getByRole("status").filter({ hasText: "You are number 2 in the queue." }).waitFor();
    await second.page.screenshot({ path: `${SCREENSHOTS}/consultation-patient-waiting-desktop.png`, fullPage: true });
    await staff.page.getByText("2 waiting").waitFor();

    // The staff member sees them, with the check's result, and calls them in.
    const callIn = staff.page.getByRole("button", { name: "Call in Frau M., 10:30 · Maria" });
    await callIn.waitFor();
    await staff.page.getByRole("listitem").filter({ hasText: "Maria" }).getByText("devices checked").waitFor();
    await staff.page.getByRole("listitem").filter({ hasText: "Maria" }).getByText("encrypts end to end").waitFor();
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-staff-queue-desktop.png`, fullPage: true });
    assert.deepEqual(await seriousViolations(staff.page), [], "the staff queue");
    await staff.page.setViewportSize({ width: 390, height: 844 });
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-staff-queue-phone.png`, fullPage: true });
    await staff.page.setViewportSize({ width: 1280, height: 720 });

    // A short message reaches the waiting patient.
    await staff.page.getByRole("button", { name: "Send message to Frau M., 10:30 · Maria" }).click();
    await patient.page.getByText("Nachricht der Praxis: We will be with you shortly.").waitFor();
    await callIn.click();

    // Both decode the other's video, over one connection between the two browsers.
    await remoteVideoPlays(staff.page, "The other side's video");
    await remoteVideoPlays(patient.page, "Video der Gegenseite");
    const before = { staff: await decodedFrames(staff.page), patient: await decodedFrames(patient.page) };
    await waitUntil("frames keep coming on both sides", async () => ({ staff: await decodedFrames(staff.page), patient: await decodedFrames(patient.page) }), (n) => n.staff > before.staff + 10 && n.patient > before.patient + 10);
    const staffPair = await waitUntil("the staff side's selected pair", () => connectedPairs(staff.page).then((p) => p.at(-1)), Boolean);
    const patientPair = await waitUntil("the patient side's selected pair", () => connectedPairs(patient.page).then((p) => p.at(-1)), Boolean);
    assert.equal(staffPair!.remote, patientPair!.local, "the staff browser's media goes to the patient's browser");
    assert.equal(patientPair!.remote, staffPair!.local, "the patient browser's media goes to the staff browser");
    assert.equal(server.registry.stats().rooms, 0, "no meeting (and so no Janus room) was used");

    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-call-desktop.png` });
    assert.deepEqual(await seriousViolations(patient.page), [], "the call screen");
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-call-phone.png` });

    // Chat over the data channel.
    await staff.page.getByRole("button", { name: "Chat" }).click();
    await staff.page.getByLabel("Message").fill("Guten Tag, Frau M.");
    await staff.page.getByRole("button", { name: "Send" }).click();
    await patient.page.getByRole("button", { name: "Chat" }).click();
    await patient.page.getByText("Guten Tag, Frau M.").waitFor();

    // Microphone off and on again: the track switches, the call goes on.
    await patient.page.getByRole("button", { name: "Mikrofon ausschalten" }).click();
    await patient.page.getByRole("button", { name: "Mikrofon einschalten" }).waitFor();

    // Hang-up: the patient is told, the staff member is back at the queue.
    await staff.page.getByRole("button", { name: "End call" }).click();
    await patient.page.getByRole("heading", { name: "Ihre Sprechstunde ist beendet" }).waitFor();
    await waitUntil("the patient's camera and microphone are off", () => patient.page.evaluate(() => (window as unknown as { __tracks: MediaStreamTrack[] }).__tracks.map((t) => t.readyState)), (states) => states.length > 0 && states.every((s) => s === "ended"));
    await staff.page.getByRole("heading", { name: "Waiting room" }).waitFor();
    // The second patient moves up; the staff member turns them away.
    await second.page.getByRole("status").filter({ hasText: "You are number 1 in the queue." }).waitFor();
    await staff.page.getByText("1 waiting").waitFor();
    await staff.page.getByRole("button", { name: "Turn away Herr K." }).click();
    await second.page.getByRole("heading", { name: "Your wait has ended" }).waitFor();
    await staff.page.getByText("Nobody is waiting.").waitFor();

    // The used link is refused.
    const again = await newParticipant(browser, { locale: "en-US" });
    await again.page.goto(link!);
    await again.page.getByLabel(/I agree to a video consultation/).check();
    await again.page.getByRole("button", { name: "Enter the waiting room" }).click();
    await again.page.getByText(/This appointment link or code is not valid/).waitFor();

    // Nothing about the patient or the appointment reached the log.
    const log = server.logLines.join("\n");
    for (const secret of ["Frau M.", "Herr K.", "Maria", code, secondCode, link!.split("#")[1]!]) assert.ok(!log.includes(secret), `the log does not contain ${secret}`);
    await Promise.all([staff.context.close(), patient.context.close(), second.context.close(), again.context.close()]);
  });
});
