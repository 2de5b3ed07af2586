/**
 * Privacy before anyone is seen or heard, in real Chromium: no camera or
 * microphone is opened before the person chooses (counted with an injected
 * script around getUserMedia), the preview appears only then, the choice is
 * remembered on the device, and an operator can start both on instead. The
 * privacy notice is linked from the home page, the pre-join screen (before
 * any device opens), the lobby and the meeting's More menu. The home page
 * asks its administrator to say who runs the server while nobody has.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, joinMeeting, newParticipant, playingRemoteNames } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { sameMembers, waitUntil } from "../helpers/wait.js";

/** Test-only instrumentation: every getUserMedia call the page makes, as the kinds it asked for. */
async function countDeviceRequests(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const calls: string[][] = [];
    (window as unknown as { __deviceRequests: string[][] }).__deviceRequests = calls;
    const original = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getUserMedia = (constraints?: MediaStreamConstraints) => {
      calls.push(Object.keys(constraints ?? {}).filter((kind) => constraints?.[kind as keyof MediaStreamConstraints]));
      return original(constraints);
    };
  });
}

const deviceRequests = (page: Page) => page.evaluate(() => (window as unknown as { __deviceRequests: string[][] }).__deviceRequests);
const previewWidth = (page: Page) => page.locator("video.preview").evaluate((v: HTMLVideoElement) => (v.hidden || v.paused ? 0 : v.videoWidth));

describe("microphone and camera before joining (the default)", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  test("no camera or microphone is opened before the person chooses; the preview shows only then, and the choice is remembered", async () => {
    const room = `${suite.server.url}/r/quiet-${Date.now().toString(36)}`;
    const cleo = await newParticipant(suite.browser);
    await countDeviceRequests(cleo.context);
    await cleo.page.goto(room);
    // The pre-join screen is drawn once the page has decided what to open: from here on nothing opens by itself.
    await cleo.page.getByRole("textbox", { name: "Name" }).waitFor();
    assert.deepEqual(await deviceRequests(cleo.page), [], "no getUserMedia call before a click");
    await cleo.page.getByText("Your camera is off.").waitFor();
    await cleo.page.getByText("Camera and microphone are off.", { exact: false }).waitFor();
    assert.equal(await cleo.page.locator("video.preview").isVisible(), false, "no preview");
    // The privacy notice is there before any device opens.
    assert.match((await cleo.page.getByRole("link", { name: "Privacy" }).getAttribute("href")) ?? "", /^\/privacy\b/);
    await cleo.page.screenshot({ path: `${SCREENSHOTS}/prejoin-off-en.png` });

    await cleo.page.getByRole("button", { name: "Turn on camera" }).click();
    await waitUntil("the preview to play", () => previewWidth(cleo.page), (w) => w > 0);
    assert.deepEqual(await deviceRequests(cleo.page), [["video"]], "the camera only, on the click");
    await cleo.page.getByText("Camera and microphone are off.", { exact: false }).waitFor({ state: "hidden" });
    await cleo.page.getByRole("button", { name: "Turn on microphone" }).waitFor();
    await cleo.page.screenshot({ path: `${SCREENSHOTS}/prejoin-camera-en.png` });

    // The next visit on this device starts as the person left it: camera on, microphone off.
    await cleo.page.reload();
    await cleo.page.getByRole("textbox", { name: "Name" }).waitFor();
    await waitUntil("the remembered camera's preview", () => previewWidth(cleo.page), (w) => w > 0);
    assert.deepEqual(await deviceRequests(cleo.page), [["video"]]);
    await cleo.page.getByRole("button", { name: "Turn on microphone" }).waitFor();
    assert.deepEqual(await cleo.page.evaluate(() => [localStorage.getItem("treff.cameraOn"), localStorage.getItem("treff.microphoneOn")]), ["true", null]);
    await cleo.context.close();
  });

  test("who joins without switching anything on is seen muted with the camera off, and can switch on later", async () => {
    const room = `${suite.server.url}/r/later-${Date.now().toString(36)}`;
    const cleo = await joinMeeting(suite.browser, room, "Cleo", { devices: { camera: false, microphone: false } });
    const dan = await joinMeeting(suite.browser, room, "Dan");
    const cleoTile = dan.page.getByRole("figure", { name: "Cleo" });
    await cleoTile.getByRole("img", { name: "Microphone off" }).waitFor();
    await waitUntil("Cleo's tile without video", () => cleoTile.evaluate((el) => el.classList.contains("camera-off")), (off) => off);
    // Switching on later works without renegotiation.
    await cleo.page.getByRole("button", { name: "Turn on camera" }).click();
    await waitUntil("Dan to see Cleo's video", () => playingRemoteNames(dan.page), (n) => sameMembers(n, ["Cleo"]), 20_000);
    await cleo.context.close();
    await dan.context.close();
  });
});

describe("microphone and camera on by default (the operator's choice)", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false, mediaOffByDefault: false } } });

  test("with mediaOffByDefault false, the preview plays without a click, unless the person chose otherwise before", async () => {
    const room = `${suite.server.url}/r/eager-${Date.now().toString(36)}`;
    const eli = await newParticipant(suite.browser);
    await eli.page.goto(room);
    await eli.page.getByRole("button", { name: "Turn off microphone" }).waitFor();
    await waitUntil("the preview to play by itself", () => previewWidth(eli.page), (w) => w > 0);
    await eli.page.getByRole("button", { name: "Turn off camera" }).click();
    await eli.page.reload();
    await eli.page.getByRole("button", { name: "Turn on camera" }).waitFor();
    await eli.page.getByRole("button", { name: "Turn off microphone" }).waitFor();
    await eli.context.close();
  });
});

describe("the privacy notice is linked wherever a person is, and the administrator is asked to fill in who runs the server", () => {
  const suite = useServerAndBrowser({ logLevel: "warn" });

  test("home page, lobby and the meeting's More menu link the privacy notice; without an operator the home page says so", async () => {
    const host = await newParticipant(suite.browser);
    await host.page.goto(suite.server.url);
    assert.match((await host.page.getByRole("link", { name: "Privacy" }).getAttribute("href")) ?? "", /^\/privacy\b/);
    const notice = host.page.getByRole("region", { name: "For the administrator of this server" });
    await notice.getByText("TREFF_OPERATOR_NAME", { exact: false }).waitFor();
    await host.page.screenshot({ path: `${SCREENSHOTS}/home-operator-missing-en.png` });

    const { room, moderatorKey } = await createMeeting(suite.server, `privacy-links-${Date.now().toString(36)}`);
    await host.page.goto(`${suite.server.url}/r/${room}#moderator=${moderatorKey}`);
    await joinFromPrejoin(host.page, "Hanna");
    const guest = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Gus");
    await guest.page.getByText("Please wait: a host will let you in soon.").waitFor();
    const lobbyLink = guest.page.getByRole("region", { name: "Lobby" }).getByRole("link", { name: "Privacy" });
    assert.match((await lobbyLink.getAttribute("href")) ?? "", /^\/privacy\b/);
    assert.equal(await lobbyLink.getAttribute("target"), "_blank", "opening it does not leave the lobby");

    await host.page.getByRole("button", { name: "More", exact: true }).click();
    const menuLink = host.page.getByRole("dialog", { name: "More" }).getByRole("link", { name: "Privacy" });
    assert.match((await menuLink.getAttribute("href")) ?? "", /^\/privacy\?lang=en$/);
    assert.equal(await menuLink.getAttribute("target"), "_blank", "opening it does not leave the meeting");
    await host.page.keyboard.press("Escape");
    await chooseFromMore(host.page, "Meeting settings"); // the menu still works after a look
    await host.context.close();
    await guest.context.close();
  });
});

describe("a server whose operator is filled in", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { operator: { name: "Musterschule", contact: "datenschutz@musterschule.example" } } });

  test("the home page shows no note for the administrator (in German either)", async () => {
    for (const locale of ["en-US", "de-DE"]) {
      const p = await newParticipant(suite.browser, { locale });
      // The note depends on GET /api/server; once its answer is in, the page has decided.
      const answer = p.page.waitForResponse((response) => response.url().endsWith("/api/server"));
      await p.page.goto(suite.server.url);
      assert.deepEqual(await (await answer).json(), { e2ee: true, operatorConfigured: true });
      await p.page.getByRole("link", { name: locale === "de-DE" ? "Datenschutz" : "Privacy" }).waitFor();
      await p.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
      const title = locale === "de-DE" ? "Für die Administration dieses Servers" : "For the administrator of this server";
      assert.equal(await p.page.getByRole("region", { name: title }).count(), 0, "no note");
      await p.context.close();
    }
  });
});
