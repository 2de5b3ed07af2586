/**
 * The moderator's everyday tools of issue 13 in real Chromium against the
 * real server and Janus: the knock notice (heard by screen readers, with
 * "Let in" and "Let everyone in", and the optional knock sound), a note to
 * those waiting in the lobby (German and English), how newcomers start
 * (microphone muted, camera off), and stopping someone's screen share. The
 * panels are axe-clean and photographed on desktop and phone. "Mute
 * everyone else" at the media server: test/e2e/mute-enforced.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { joinMeeting, newParticipant, joinFromPrejoin, openPanelFromMore, type ParticipantPage } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { seriousViolations } from "../helpers/axe.js";

const NO_DEVICES = { devices: { microphone: false, camera: false } };

/** Test-only: counts the notes the page plays with WebAudio (the knock sound). */
async function countTones(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const counter = window as unknown as { __tones: number };
    counter.__tones = 0;
    const original = AudioContext.prototype.createOscillator;
    AudioContext.prototype.createOscillator = function (this: AudioContext) {
      counter.__tones++;
      return original.call(this);
    };
  });
}
const tones = (page: Page) => page.evaluate(() => (window as unknown as { __tones: number }).__tones);

describe("moderator tools and the lobby", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: true } } });
  let host: ParticipantPage;
  let ulla: ParticipantPage;
  let room: string;

  test("the knock sound is off until switched on; a knock is a notice screen readers hear, with Let in", async () => {
    const meeting = await createMeeting(suite.server, "class");
    room = meeting.room;
    host = await newParticipant(suite.browser, { viewport: { width: 1280, height: 720 } });
    await countTones(host.context);
    await host.page.goto(`${suite.server.url}/r/${room}#moderator=${meeting.moderatorKey}`);
    await joinFromPrejoin(host.page, "Hana Host", "Join", NO_DEVICES.devices);
    await host.page.getByRole("toolbar").waitFor();

    const first = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Quiet Quinn", NO_DEVICES);
    const quiet = host.page.locator('[aria-live="polite"]').getByRole("group", { name: "Quiet Quinn is waiting in the lobby." });
    await quiet.waitFor();
    assert.equal(await tones(host.page), 0, "no sound unless switched on");
    await quiet.getByRole("button", { name: "Let in" }).click();
    await host.page.getByRole("figure", { name: "Quiet Quinn" }).waitFor();
    await first.context.close();

    await openPanelFromMore(host.page, "Meeting settings");
    await host.page.getByRole("checkbox", { name: "Play a sound when someone knocks (this device)" }).check();
    assert.equal(await tones(host.page), 2, "a sample of the chime when switched on");
    assert.deepEqual(await seriousViolations(host.page), [], "settings panel");
    await host.page.screenshot({ path: `${SCREENSHOTS}/moderator-settings-desktop-en.png` });

    ulla = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Ulla Ulm", { ...NO_DEVICES, locale: "de-DE", joinLabel: "Beitreten" });
    await host.page.locator('[aria-live="polite"]').getByRole("group", { name: "Ulla Ulm is waiting in the lobby." }).waitFor();
    assert.equal(await tones(host.page), 4, "the knock chimed");
  });

  test("a note to the lobby reaches everyone waiting; Let everyone in lets them in", async () => {
    const vera = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Vera Vogt", NO_DEVICES);
    const veraNotice = host.page.getByRole("group", { name: "Vera Vogt is waiting in the lobby." });
    await veraNotice.waitFor();
    await openPanelFromMore(host.page, "Lobby", /^Lobby/);
    const lobby = host.page.getByRole("region", { name: "Lobby" });
    await lobby.getByRole("textbox", { name: "Message to everyone waiting" }).fill("We start in a minute.");
    await lobby.getByRole("button", { name: "Send to the lobby" }).click();
    await lobby.getByText("Sent to everyone waiting.").waitFor();
    await ulla.page.getByText("Nachricht der Moderation: We start in a minute.").waitFor();
    await vera.page.getByText("Message from the host: We start in a minute.").waitFor();
    assert.deepEqual(await seriousViolations(host.page), [], "lobby panel");
    await host.page.screenshot({ path: `${SCREENSHOTS}/moderator-lobby-desktop-en.png` });
    await ulla.page.screenshot({ path: `${SCREENSHOTS}/lobby-note-waiting-de.png` });
    assert.deepEqual(await seriousViolations(ulla.page), [], "waiting room with a note");

    await host.page.setViewportSize({ width: 390, height: 844 });
    await host.page.screenshot({ path: `${SCREENSHOTS}/moderator-lobby-phone-en.png` });
    await host.page.setViewportSize({ width: 1280, height: 720 });

    // With the lobby open, its list is where the host acts (knock notices give way to it).
    assert.equal(await veraNotice.count(), 0, "the knock notice gave way to the open lobby");
    await lobby.getByRole("button", { name: "Let everyone in" }).click();
    await host.page.getByRole("figure", { name: "Ulla Ulm" }).waitFor();
    await host.page.getByRole("figure", { name: "Vera Vogt" }).waitFor();
    await vera.context.close();
  });

  test("newcomers start muted and with the camera off once a moderator says so", async () => {
    await openPanelFromMore(host.page, "Meeting settings");
    await host.page.getByRole("checkbox", { name: "Microphones start muted" }).check();
    await host.page.getByRole("checkbox", { name: "Cameras start off" }).check();
    await host.page.setViewportSize({ width: 390, height: 844 });
    await host.page.screenshot({ path: `${SCREENSHOTS}/moderator-settings-phone-en.png` });
    await host.page.setViewportSize({ width: 1280, height: 720 });

    const walt = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Walt Weiss");
    await host.page.getByRole("group", { name: "Walt Weiss is waiting in the lobby." }).getByRole("button", { name: "Let in" }).click();
    const bar = walt.page.getByRole("toolbar");
    await bar.getByRole("button", { name: "Turn on microphone", exact: true }).waitFor();
    await bar.getByRole("button", { name: "Turn on camera", exact: true }).waitFor();
    await walt.page.getByText("This meeting starts newcomers with the microphone or camera off. You can switch them on.").waitFor();
    await host.page.getByRole("figure", { name: "Walt Weiss" }).getByRole("img", { name: "Microphone off" }).waitFor();
    // Walt may switch on himself.
    await bar.getByRole("button", { name: "Turn on microphone", exact: true }).click();
    await host.page.getByRole("figure", { name: "Walt Weiss" }).getByRole("img", { name: "Microphone off" }).waitFor({ state: "hidden" });
    await walt.context.close();
  });

  test("a moderator stops someone's screen share", async () => {
    await ulla.page.getByRole("button", { name: "Bildschirm teilen" }).click();
    const screen = host.page.getByRole("figure", { name: "Screen of Ulla Ulm" });
    await screen.waitFor();
    await host.page.getByLabel("Moderate Ulla Ulm").click();
    await host.page.getByRole("button", { name: "Stop Ulla Ulm's screen share" }).click();
    await screen.waitFor({ state: "detached" });
    await ulla.page.getByText("Die Moderation hat Ihre Bildschirmfreigabe beendet.").waitFor();
    await ulla.page.getByRole("button", { name: "Bildschirm teilen" }).waitFor();
  });

  test("the Polls panel is axe-clean for a moderator and a participant", async () => {
    await openPanelFromMore(host.page, "Polls");
    assert.deepEqual(await seriousViolations(host.page), [], "polls panel (moderator)");
    await host.page.screenshot({ path: `${SCREENSHOTS}/polls-new-desktop-en.png` });
    await openPanelFromMore(ulla.page, "Umfragen");
    assert.deepEqual(await seriousViolations(ulla.page), [], "polls panel (participant, German)");
  });
});
