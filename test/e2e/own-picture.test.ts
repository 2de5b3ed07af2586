/**
 * A background picture of one's own, as a person picks it: "Your own
 * picture…" in the background chooser opens the file picker (Playwright's
 * setInputFiles stands in for the person choosing a file), the picture
 * appears behind them in the preview and in what the other participant
 * receives; a file that is no picture, or too large a one, is explained.
 * The picture never leaves the device: no request carries it, and after a
 * reload it is gone (kept in memory only).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, seesPlaying, switchOnDevices } from "../helpers/browser.js";
import { instrumentEffectsWorker, magentaPicture, pictureStats, REMOTE_TILE, showsMagenta, type PictureStats } from "../helpers/effects.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import type { Page } from "playwright-core";

/** 21 MB of nothing named .jpg: over the 20 MB limit (a sparse file, it takes no room on disk). */
const FILES = mkdtempSync(join(tmpdir(), "treff-own-picture-"));
const HUGE_FILE = join(FILES, "huge.jpg");
closeSync(openSync(HUGE_FILE, "w"));
truncateSync(HUGE_FILE, 21 * 2 ** 20);

const showsCamera = (s: PictureStats | undefined) => !!s && s.top.g > s.top.b + 40;

/** Up to a minute: the first effect on a page waits for its worker to compile the model (effects.test.ts). */
function pictureWhen(what: string, page: Page, selector: string, name: string | undefined, done: (s: PictureStats | undefined) => boolean): Promise<PictureStats> {
  return waitUntil(what, () => pictureStats(page, selector, name), done, 60_000, 500) as Promise<PictureStats>;
}

describe("a background picture of one's own, picked from the device", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  after(() => rmSync(FILES, { recursive: true, force: true }));

  test("picked on the pre-join screen: bad files are explained, the picture shows behind the person and reaches the other participant, and is never uploaded", async () => {
    const room = `${suite.server.url}/r/own-picture-en`;
    const ada = await newParticipant(suite.browser, { viewport: { width: 1280, height: 720 } });
    await instrumentEffectsWorker(ada.context);
    const sent: string[] = [];
    ada.page.on("request", (request) => {
      if (request.method() !== "GET") sent.push(`${request.method()} ${request.url()}`);
    });
    await ada.page.goto(room);
    const picker = ada.page.getByRole("group", { name: "Background" });
    await picker.waitFor();
    await switchOnDevices(ada.page, { microphone: false });
    await pictureWhen("the preview to show the camera", ada.page, "video.preview", undefined, showsCamera);
    const choose = picker.getByLabel("Your own picture…");

    await choose.setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("not a picture") });
    await picker.getByRole("status").filter({ hasText: "not a picture" }).waitFor();
    await choose.setInputFiles({ name: "broken.png", mimeType: "image/png", buffer: Buffer.from("PNG? no") });
    await picker.getByRole("status").filter({ hasText: "not a picture" }).waitFor();
    // From disk, as a person's file is (a 21 MB buffer through the browser protocol is slow on a busy machine).
    await choose.setInputFiles(HUGE_FILE);
    await picker.getByRole("status").filter({ hasText: "too large" }).waitFor();
    assert.equal(await picker.getByRole("radio", { name: "Your picture" }).count(), 0, "no own picture yet");

    await choose.setInputFiles({ name: "beach.bmp", mimeType: "image/bmp", buffer: magentaPicture() });
    await picker.getByRole("radio", { name: "Your picture", checked: true }).waitFor();
    await pictureWhen("the preview to show Ada's own picture", ada.page, "video.preview", undefined, showsMagenta);
    await ada.page.screenshot({ path: `${SCREENSHOTS}/own-picture-prejoin-desktop.png` });

    await joinFromPrejoin(ada.page, "Ada", "Join", { microphone: false });
    const ben = await joinMeeting(suite.browser, room, "Ben", { devices: { microphone: false, camera: false } });
    await seesPlaying(ben.page, ["Ada"], "Ben");
    await pictureWhen("Ben to receive Ada's own picture behind her", ben.page, REMOTE_TILE, "Ada", showsMagenta);

    // The Devices panel offers the same picture (still in memory) and the picker again.
    await openPanelFromMore(ada.page, "Devices");
    const panel = ada.page.getByRole("region", { name: "Devices" }).getByRole("group", { name: "Background" });
    await panel.getByRole("radio", { name: "Your picture", checked: true }).waitFor();
    await panel.getByLabel("Your own picture…").waitFor({ state: "attached" });

    // Nothing was uploaded: no request but GETs, and all to Treff's own origin.
    const origin = new URL(suite.server.url);
    assert.deepEqual(sent, []);
    // (The picture's thumbnail and decoding use blob: addresses of the page's own origin: local to the page.)
    assert.deepEqual(ada.requests.filter((url) => new URL(url.replace(/^blob:/, "")).host !== origin.host), []);
    await ada.context.close();
    await ben.context.close();
  });

  test("auf Deutsch, am Telefon: eigenes Bild im Geräte-Bereich; nach dem Neuladen ist es fort", async () => {
    const room = `${suite.server.url}/r/own-picture-de`;
    const ada = await newParticipant(suite.browser, { locale: "de-DE", viewport: { width: 390, height: 844 } });
    await instrumentEffectsWorker(ada.context);
    await ada.page.goto(room);
    await ada.page.getByRole("group", { name: "Hintergrund" }).waitFor();
    await joinFromPrejoin(ada.page, "Ada", "Beitreten", { microphone: false });
    await openPanelFromMore(ada.page, "Geräte");
    const panel = ada.page.getByRole("region", { name: "Geräte" }).getByRole("group", { name: "Hintergrund" });
    await panel.getByLabel("Eigenes Bild…").setInputFiles({ name: "strand.bmp", mimeType: "image/bmp", buffer: magentaPicture(800, 450) });
    await panel.getByRole("radio", { name: "Ihr Bild", checked: true }).waitFor();
    await panel.getByLabel("Eigenes Bild…").setInputFiles({ name: "notiz.txt", mimeType: "text/plain", buffer: Buffer.from("kein Bild") });
    await panel.getByRole("status").filter({ hasText: "kein Bild" }).waitFor();
    await panel.scrollIntoViewIfNeeded();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/own-picture-panel-phone-de.png` });

    // Kept in memory only: a reload (straight back into the meeting) brings no picture back.
    await ada.page.reload();
    // The meeting screen is drawn again (in German) before its More menu is looked for.
    await ada.page.getByRole("toolbar").getByRole("button", { name: "Mehr", exact: true }).waitFor();
    await openPanelFromMore(ada.page, "Geräte");
    const after = ada.page.getByRole("region", { name: "Geräte" }).getByRole("group", { name: "Hintergrund" });
    await after.getByLabel("Eigenes Bild…").waitFor({ state: "attached" });
    assert.equal(await after.getByRole("radio", { name: "Ihr Bild" }).count(), 0);
    await after.getByRole("radio", { name: "Ohne", checked: true }).waitFor();
    await ada.context.close();
  });
});
