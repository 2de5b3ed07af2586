/**
 * A third person in a consultation, in real Chromium against the real server and Janus
 * (docs/consultation.md, "A third person"): staff in a direct call send an interpreter a link; the
 * interpreter consents and joins; the call moves to a media-server room (end to end encrypted, the
 * direct connection closed, nobody's picture ever gone while it moves); when the interpreter
 * leaves, staff and patient are back on a direct connection and the room is left.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { newParticipant, type ParticipantPage } from "../helpers/browser.js";
import { connectedPairs } from "../helpers/consultation.js";
import { SCREENSHOTS, useServerAndBrowser, type ServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import { seriousViolations } from "../helpers/axe.js";

/** The two pages are connected to each other directly, and by nothing else. */
async function directOnly(a: Page, b: Page): Promise<void> {
  await waitUntil(
    "a direct connection, and no other",
    async () => [await connectedPairs(a), await connectedPairs(b)] as const,
    ([pa, pb]) => pa.length === 1 && pb.length === 1 && pa[0]!.remote === pb[0]!.local && pb[0]!.remote === pa[0]!.local,
  );
}

/** Remote videos of the meeting screen (not the page's own tile) that play, by the name on their tile. */
async function playingTiles(page: Page): Promise<string[]> {
  return page.locator(".consult-group:not(.behind) figure.tile:not([data-self])").evaluateAll((tiles) =>
    tiles.filter((tile) => {
      const video = tile.querySelector("video");
      return video && video.videoWidth > 0 && video.currentTime > 0;
    }).map((tile) => tile.querySelector(".name")?.textContent ?? ""),
  );
}

/**
 * Starts counting, every 50 ms, the moments in which the page shows no playing remote video at all
 * (neither the direct call's nor a tile of the room): a picture gone, or frozen on a closed
 * connection, during a move. Read with `blankMoments`.
 */
async function watchBlank(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __blank: number; __samples: number; __blankTimer: number };
    w.__blank = 0;
    w.__samples = 0;
    w.__blankTimer = window.setInterval(() => {
      const visible = [...document.querySelectorAll<HTMLVideoElement>("video.consult-remote, figure.tile:not([data-self]) video")].filter(
        (video) => video.isConnected && !video.closest(".behind") && !video.closest("[hidden]"),
      );
      w.__samples++;
      // Playing: frames, not paused, and fed by a live track (a closed connection's tracks end, leaving a still picture).
      const live = (video: HTMLVideoElement) => ((video.srcObject as MediaStream | null)?.getVideoTracks() ?? []).some((track) => track.readyState === "live" && !track.muted);
      if (!visible.some((video) => video.videoWidth > 0 && video.readyState >= 2 && !video.paused && live(video))) {
        w.__blank++;
        console.log("BLANK", performance.now().toFixed(0), JSON.stringify([...document.querySelectorAll<HTMLVideoElement>("video")].map((v) => [v.className, v.videoWidth, v.readyState, v.paused, v.isConnected, !!v.closest(".behind"), !!v.closest("[hidden]"), !!v.closest(".consult-group")])));
      }
    }, 50);
  });
}
const blankMoments = (page: Page) =>
  page.evaluate(() => {
    const w = window as unknown as { __blank: number; __blankTimer: number };
    window.clearInterval(w.__blankTimer);
    return w.__blank;
  });

/** The direct call's remote video plays. */
const remotePlays = (page: Page) => waitUntil("the direct call's video plays", () => page.locator("video.consult-remote").evaluate((v: HTMLVideoElement) => v.videoWidth > 0 && v.currentTime > 0), Boolean);

/**
 * A staff member `staffName` (desktop, English) has called in a patient (German phone) who typed `name`; both
 * see each other over a direct connection. `blockRooms`: the second signaling connection (the room's)
 * of both pages, or of the patient's only, is answered by nothing, as if the media server did not answer.
 */
async function directCall(suite: ServerAndBrowser, staffName: string, name: string, options: { blockRooms?: "both" | "patient" } = {}) {
  const { server, browser } = suite;
  const { account } = server.consultation.store.add(staffName);
  const cookie = server.consultation.sessions.issue(account.id);
  const created = await fetch(`${server.url}/api/consultation/appointments`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: `treff_staff=${cookie}` },
    body: JSON.stringify({ label: name }),
  });
  const { link } = (await created.json()) as { link: string };

  const staff = await newParticipant(browser, { viewport: { width: 1280, height: 720 } });
  await staff.context.addCookies([{ name: "treff_staff", value: cookie, url: server.url }]);
  // Test-only instrumentation: how often the page opens a camera or microphone.
  await staff.context.addInitScript(() => {
    const w = window as unknown as { __captures: number };
    w.__captures = 0;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints) => (w.__captures++, original(constraints));
  });
  const patient = await newParticipant(browser, { locale: "de-DE", viewport: { width: 390, height: 844 } });
  if (options.blockRooms) for (const p of options.blockRooms === "both" ? [staff, patient] : [patient]) await blockRoomConnections(p);
  for (const [who, p] of [["staff", staff], ["patient", patient]] as const) p.page.on("console", (m) => m.text().startsWith("BLANK") && console.log(who, m.text()));
  await staff.page.goto(`${server.url}/staff`);
  await patient.page.goto(link.replace(/^https?:\/\/[^/]+/, server.url));
  await patient.page.getByLabel("Ihr Name (freiwillig)").fill(name);
  await patient.page.getByLabel(/Ich willige in eine Videosprechstunde ein/).check();
  await patient.page.getByRole("button", { name: "Ins Wartezimmer" }).click();
  await staff.page.getByRole("button", { name: `Call in ${name}` }).click();
  await Promise.all([remotePlays(staff.page), remotePlays(patient.page)]);
  await directOnly(staff.page, patient.page);
  return { staff, patient };
}

/** The page's first signaling connection reaches the server; any later one (a room's) gets no answer at all. */
async function blockRoomConnections(p: ParticipantPage): Promise<void> {
  let connections = 0;
  await p.context.routeWebSocket(/\/ws$/, (ws) => {
    if (++connections === 1) ws.connectToServer();
  });
}

/** Staff ask for a link for a third person; the link. */
async function invitationLink(staff: Page): Promise<string> {
  await staff.getByRole("button", { name: "Add a person" }).click();
  const linkBox = staff.getByRole("textbox", { name: "Link for the third person" });
  return waitUntil("the invitation link", () => linkBox.inputValue(), (value) => /\/sprechstunde\/gast#[A-Za-z0-9_-]{22}$/.test(value));
}

/** An English-speaking third person on a phone opens the link, gives a name, consents and clicks "Join the consultation". */
async function guestJoins(suite: ServerAndBrowser, invitation: string, options: { blockRoom?: boolean } = {}): Promise<ParticipantPage> {
  const guest = await newParticipant(suite.browser, { viewport: { width: 390, height: 844 } });
  if (options.blockRoom) await blockRoomConnections(guest);
  await guest.page.goto(invitation.replace(/^https?:\/\/[^/]+/, suite.server.url));
  await guest.page.getByLabel("Your name (the others see it)").fill("Herr L.");
  await guest.page.getByLabel(/I agree to take part in this video consultation/).check();
  await guest.page.getByRole("button", { name: "Join the consultation" }).click();
  return guest;
}

/** Marks each page's direct-call video, so that `freshDirectCallAlone` can tell its successor from it. */
async function markFirstCall(pages: Page[]): Promise<void> {
  for (const page of pages) await page.locator("video.consult-remote").evaluate((v: HTMLVideoElement) => (v.dataset.first = "yes"));
}

/** Both pages show a new direct call only (the marked one gone, no room), connected to each other and to nothing else. */
async function freshDirectCallAlone(staff: Page, patient: Page): Promise<void> {
  for (const page of [staff, patient]) {
    await waitUntil("the first call's screen gone, a new one alone", () => page.locator("video.consult-remote").evaluateAll((videos) => videos.map((v) => (v as HTMLElement).dataset.first ?? "new")), (ids) => ids.length === 1 && ids[0] === "new", 30_000);
    await waitUntil("no room", () => page.locator(".consult-group").count(), (n) => n === 0, 30_000);
  }
  await waitUntil("a fresh direct call, and nothing else", async () => [await connectedPairs(staff), await connectedPairs(patient)] as const, ([a, b]) => a.length === 1 && b.length === 1 && a[0]!.remote === b[0]!.local, 30_000);
  await Promise.all([remotePlays(staff), remotePlays(patient)]);
}

describe("consultation: a third person", () => {
  const suite = useServerAndBrowser({
    logLevel: "warn",
    config: { consultation: { dataDir: mkdtempSync(join(tmpdir(), "treff-cthird-")) }, operator: { name: "Praxis Dr. Muster", contact: "praxis@example.org" } },
  });

  test("an interpreter joins by link: the call moves to the media server and back without a gap", async () => {
    const { server, browser } = suite;
    const { staff, patient } = await directCall(suite, "Dr. Muster", "Frau M.");
    const captures = () => staff.page.evaluate(() => (window as unknown as { __captures: number }).__captures);

    // Staff ask for a link: offered once the call encrypts end to end.
    const invitation = await invitationLink(staff.page);
    await staff.page.getByText(/Works until \d\d:\d\d, and only during this call\./).waitFor();
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-invite-desktop.png` });
    await Promise.all([watchBlank(staff.page), watchBlank(patient.page)]);
    const capturesBefore = await captures();

    // The interpreter (German, on a phone): terms, name, consent.
    const guest = await newParticipant(browser, { locale: "de-DE", viewport: { width: 390, height: 844 } });
    await guest.page.goto(invitation.replace(/^https?:\/\/[^/]+/, server.url));
    await guest.page.getByRole("heading", { name: "An einer Videosprechstunde teilnehmen" }).waitFor();
    assert.equal(new URL(guest.page.url()).hash, "", "the token leaves the address bar");
    await guest.page.getByRole("button", { name: "Der Sprechstunde beitreten" }).click();
    await guest.page.getByText("Bitte geben Sie Ihren Namen ein.").waitFor();
    await guest.page.getByLabel("Ihr Name (die anderen sehen ihn)").fill("Frau K. (Dolmetscherin)");
    await guest.page.getByLabel(/Ich willige ein, an dieser Videosprechstunde teilzunehmen/).check();
    await guest.page.getByRole("button", { name: "Kamera und Mikrofon testen" }).click();
    await guest.page.getByText("Kamera und Mikrofon funktionieren.").waitFor();
    assert.deepEqual(await seriousViolations(guest.page), []);
    await guest.page.screenshot({ path: `${SCREENSHOTS}/consultation-guest-phone.png` });
    await guest.page.getByRole("button", { name: "Der Sprechstunde beitreten" }).click();

    // All three see the other two playing in the room.
    const sees = (page: Page, names: string[]) => waitUntil(`${names.join(" and ")} play`, () => playingTiles(page), (playing) => names.every((n) => playing.includes(n)));
    await Promise.all([
      sees(staff.page, ["Frau M.", "Frau K. (Dolmetscherin)"]),
      sees(patient.page, ["Dr. Muster", "Frau K. (Dolmetscherin)"]),
      sees(guest.page, ["Dr. Muster", "Frau M."]),
    ]);
    // The direct connection is closed: media go through Janus only (none of staff's open pairs ends at the patient).
    await waitUntil("the direct call closed", async () => [await connectedPairs(staff.page), await connectedPairs(patient.page)] as const, ([s, p]) => {
      const patientEnds = new Set(p.map((pair) => pair.local));
      return s.length > 0 && p.length > 0 && s.every((pair) => !patientEnds.has(pair.remote));
    });
    assert.equal(await staff.page.locator("video.consult-remote").count(), 0, "the direct call's screen is gone");
    assert.equal(await captures(), capturesBefore, "the room got copies of the open camera and microphone: no second capture");
    // End to end encrypted, as in a meeting.
    await staff.page.getByText("End-to-end encrypted").first().waitFor();
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-three-desktop.png` });
    await patient.page.screenshot({ path: `${SCREENSHOTS}/consultation-three-phone.png` });

    // The interpreter leaves: staff and patient are back on a direct connection; the room is left.
    await guest.page.getByRole("button", { name: "Besprechung verlassen" }).click();
    await guest.page.getByRole("heading", { name: "Sie haben die Sprechstunde verlassen" }).waitFor();
    await Promise.all([remotePlays(staff.page), remotePlays(patient.page)]);
    await directOnly(staff.page, patient.page);
    await waitUntil("the room is left", () => staff.page.locator(".consult-group").count(), (n) => n === 0);
    assert.equal(await blankMoments(staff.page), 0, "staff always saw the other side");
    assert.equal(await blankMoments(patient.page), 0, "the patient always saw the other side");

    // The used link still works while the call runs (an interpreter whose page closed comes back)…
    // …but not once the consultation is over.
    await staff.page.getByRole("button", { name: "End call" }).click();
    await patient.page.getByRole("heading", { name: "Ihre Sprechstunde ist beendet" }).waitFor();
    const late = await newParticipant(browser, { viewport: { width: 390, height: 844 } });
    await late.page.goto(invitation.replace(/^https?:\/\/[^/]+/, server.url));
    await late.page.getByLabel("Your name (the others see it)").fill("Herr L.");
    await late.page.getByLabel(/I agree to take part in this video consultation/).check();
    await late.page.getByRole("button", { name: "Join the consultation" }).click();
    await late.page.getByText(/This invitation cannot be used: this invitation is not valid/).waitFor();
  });

  test("when the room does not come up, the direct call simply goes on, and staff and the third person are told", async () => {
    const { staff, patient } = await directCall(suite, "Dr. Beispiel", "Herr K.", { blockRooms: "both" });
    const invitation = await invitationLink(staff.page);
    await Promise.all([watchBlank(staff.page), watchBlank(patient.page)]);
    await markFirstCall([staff.page, patient.page]);
    const guest = await guestJoins(suite, invitation, { blockRoom: true });

    await staff.page.getByText("The third person could not be added: the media server did not answer. Your call goes on as before.").waitFor({ timeout: 40_000 });
    await staff.page.screenshot({ path: `${SCREENSHOTS}/consultation-third-failed-desktop.png` });
    await guest.page.getByRole("alert").getByText(/The consultation could not be joined: the media server did not answer/).waitFor({ timeout: 40_000 });
    await guest.page.screenshot({ path: `${SCREENSHOTS}/consultation-third-failed-guest-phone.png` });
    // The third person gave up: the two get a fresh direct call, built behind the running one, which
    // goes once the new one plays (its screen first, its connection three seconds later).
    await freshDirectCallAlone(staff.page, patient.page);
    assert.equal(await staff.page.locator(".consult-group").count(), 0);
    assert.equal(await blankMoments(staff.page), 0, "staff always saw the patient");
    assert.equal(await blankMoments(patient.page), 0, "the patient always saw the staff member");
    await staff.page.getByRole("button", { name: "End call" }).click();
  });

  test("a third person who leaves before the room has shown: the direct call goes on, replaced behind itself", async () => {
    const { staff, patient } = await directCall(suite, "Dr. Schmidt", "Frau P.");
    const invitation = await invitationLink(staff.page);
    await Promise.all([watchBlank(staff.page), watchBlank(patient.page)]);
    await markFirstCall([staff.page, patient.page]);
    // Join, and leave as soon as the meeting screen is there: staff's and patient's rooms are still coming up.
    const guest = await guestJoins(suite, invitation);
    await guest.page.getByRole("button", { name: "Leave meeting" }).click();
    await guest.page.getByRole("heading", { name: "You have left the consultation" }).waitFor();

    await freshDirectCallAlone(staff.page, patient.page);
    assert.equal(await blankMoments(staff.page), 0, "staff always saw the patient");
    assert.equal(await blankMoments(patient.page), 0, "the patient always saw the staff member");
    await staff.page.getByRole("button", { name: "End call" }).click();
  });

  test("when only the patient's room does not come up, neither leaves the direct call", async () => {
    const { staff, patient } = await directCall(suite, "Dr. Weber", "Frau S.", { blockRooms: "patient" });
    const invitation = await invitationLink(staff.page);
    await Promise.all([watchBlank(staff.page), watchBlank(patient.page)]);
    await markFirstCall([staff.page, patient.page]);
    const guest = await guestJoins(suite, invitation);

    // Staff's room plays (the third person is there), but the patient's never does: staff wait for the
    // patient's word over the direct call, which does not come, and stay.
    await staff.page.getByText(/The third person could not be added/).waitFor({ timeout: 40_000 });
    // Staff ended the third person's part, who is told; the two get a fresh direct call behind the running one.
    // (The patient's page says the room failed only if its own patience ran out before staff ended the attempt.)
    await guest.page.getByRole("heading", { name: /ended|Join a video consultation/ }).waitFor({ timeout: 40_000 });
    await freshDirectCallAlone(staff.page, patient.page);
    assert.equal(await blankMoments(staff.page), 0, "staff always saw the patient");
    assert.equal(await blankMoments(patient.page), 0, "the patient always saw the staff member");
    await staff.page.getByRole("button", { name: "End call" }).click();
  });
});
