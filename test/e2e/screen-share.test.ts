/**
 * Screen sharing in real Chromium: the shared screen reaches the others as
 * decoded frames and is shown large, with a notice; the sharer sees that
 * they are sharing and can stop; only one person shares at a time; a
 * browser that cannot share a screen (a phone's) is not offered it.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, playingRemoteNames, type ParticipantPage } from "../helpers/browser.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { sameMembers, waitUntil } from "../helpers/wait.js";

/** Frames decoded so far by the <video> of a shared screen, or -1 when there is none. */
function screenFrames(page: Page, name: string): Promise<number> {
  return page.evaluate((label) => {
    const video = document.querySelector<HTMLVideoElement>(`figure.screen-tile[aria-label="${label}"] video`);
    return video && !video.paused ? video.getVideoPlaybackQuality().totalVideoFrames : -1;
  }, `Screen of ${name}`);
}

describe("screen sharing", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let ada: ParticipantPage;
  let ben: ParticipantPage;
  let room: string;

  before(async () => {
    room = `${suite.server.url}/r/screens-${Date.now().toString(36)}`;
    ada = await joinMeeting(suite.browser, room, "Ada");
    ben = await joinMeeting(suite.browser, room, "Ben");
    await waitUntil("Ben to see Ada", () => playingRemoteNames(ben.page), (n) => sameMembers(n, ["Ada"]), 20_000);
  });

  test("a shared screen reaches the others as decoded frames, shown large", async () => {
    await ada.page.getByRole("button", { name: "Share screen" }).click();
    await ada.page.getByText("You are sharing your screen.", { exact: false }).waitFor();
    const screen = ben.page.getByRole("figure", { name: "Screen of Ada" });
    await screen.waitFor();
    await ben.page.locator('[aria-live="polite"]').getByText("Ada is sharing their screen.").waitFor();
    const first = await waitUntil("Ada's screen to play for Ben", () => screenFrames(ben.page, "Ada"), (n) => n > 0, 20_000);
    await waitUntil("more frames of Ada's screen", () => screenFrames(ben.page, "Ada"), (n) => n > first);
    // Shown large: the screen takes more room than any camera tile.
    const screenBox = await screen.boundingBox();
    const tileBox = await ben.page.getByRole("figure", { name: "Ada", exact: true }).boundingBox();
    assert.ok(screenBox && tileBox && screenBox.width * screenBox.height > 2 * tileBox.width * tileBox.height);
    // The cameras keep playing next to it.
    assert.deepEqual(await playingRemoteNames(ben.page), ["Ada"]);
    await ben.page.screenshot({ path: `${SCREENSHOTS}/screen-share-en.png` });
    await ada.page.screenshot({ path: `${SCREENSHOTS}/screen-sharer-en.png` });
  });

  test("only one person shares at a time", async () => {
    await ben.page.getByRole("button", { name: "Share screen" }).click();
    await ben.page.getByText("Someone else is sharing their screen.", { exact: false }).waitFor();
    await ben.page.getByRole("button", { name: "Share screen" }).waitFor();
    await ada.page.getByRole("figure", { name: "Screen of Ben" }).waitFor({ state: "detached", timeout: 2_000 });
  });

  test("stopping the share removes the screen for everyone", async () => {
    await ada.page.getByRole("button", { name: "Stop sharing" }).first().click();
    await ben.page.getByRole("figure", { name: "Screen of Ada" }).waitFor({ state: "detached" });
    await ada.page.getByRole("button", { name: "Share screen" }).waitFor();
    await waitUntil("Ben's camera layout back", () => playingRemoteNames(ben.page), (n) => sameMembers(n, ["Ada"]));
  });

  test("a browser that cannot share a screen, like a phone's, is not offered it", async () => {
    const phone = await newParticipant(suite.browser, { viewport: { width: 390, height: 844 } });
    await phone.context.addInitScript(() => delete (MediaDevices.prototype as { getDisplayMedia?: unknown }).getDisplayMedia);
    await phone.page.goto(room);
    await joinFromPrejoin(phone.page, "Pia");
    // The bar is drawn in one go: once it has its Leave button, anything missing is missing for good.
    const bar = phone.page.getByRole("toolbar", { name: "Meeting controls" });
    await bar.getByRole("button", { name: "Leave meeting" }).waitFor();
    // "Share" as a word: "Shared notes" (More › Tools) is something else.
    assert.equal(await phone.page.getByRole("button", { name: /\bshare\b/i }).count(), 0, "no Share button anywhere");
    await bar.getByRole("button", { name: "More", exact: true }).click();
    assert.equal(await phone.page.getByRole("dialog", { name: "More" }).getByText(/\bshare\b/i).count(), 0, "nor in More");
    await phone.context.close();
  });
});
