/**
 * Background effects in real Chromium, as people use them: chosen on the
 * pre-join screen (its preview shows the result), changed in the meeting's
 * Devices panel, remembered on the device, in English and German. What the
 * other participant receives is measured in pixels: Chromium's fake camera
 * shows no person, so all of its picture is background, and its sharp
 * pattern must arrive blurred (few sharp edges) or replaced by the chosen
 * picture (the dawn sky's blue where the camera is green). The camera keeps
 * sending its three simulcast layers with an effect on, frames keep coming,
 * and no request leaves Treff's origin for the model or anything else.
 * When the device cannot keep up, the effect goes off and the page says so
 * (the worker's report is simulated: this shared machine's frame times are
 * not the test's subject; bench:effects measures them).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, remoteFrameCounts, seesPlaying, switchOnDevices } from "../helpers/browser.js";
import { instrumentEffectsWorker, outboundLayers, pictureStats, REMOTE_TILE, sendOverload, type PictureStats } from "../helpers/effects.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** Fewer sharp edges than this: blurred. The fake camera's own pattern has several times as many (measured below). */
const BLURRED_EDGES = 0.002;
/** The dawn picture's sky is blue at the top; the fake camera's background is green. */
const showsDawnSky = (s: PictureStats | undefined) => !!s && s.top.b > s.top.g + 20;
const showsCamera = (s: PictureStats | undefined) => !!s && s.top.g > s.top.b + 40;

/**
 * Waits until the picture meets `done`; measuring a whole picture costs some CPU, so it looks twice
 * a second. Up to a minute: the first effect on a page waits for its worker to compile the model's
 * 13 MB of WebAssembly, which takes long on this shared machine while other tests run.
 */
function pictureWhen(what: string, page: Page, selector: string, name: string | undefined, done: (s: PictureStats | undefined) => boolean): Promise<PictureStats> {
  return waitUntil(what, () => pictureStats(page, selector, name), done, 60_000, 500) as Promise<PictureStats>;
}

async function framesPerSecond(page: Page, name: string, ms = 3_000): Promise<number> {
  const before = (await remoteFrameCounts(page))[name] ?? 0;
  await new Promise((r) => setTimeout(r, ms));
  return (((await remoteFrameCounts(page))[name] ?? 0) - before) / (ms / 1000);
}

describe("background effects: blur and pictures, chosen before joining and in the meeting", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  test("blur chosen on the pre-join screen reaches the other participant blurred, in three layers, and can be changed in the Devices panel", async () => {
    const room = `${suite.server.url}/r/effects-en`;
    const ada = await newParticipant(suite.browser, { viewport: { width: 1280, height: 720 } });
    await instrumentEffectsWorker(ada.context);
    await ada.page.goto(room);
    const picker = ada.page.getByRole("group", { name: "Background" });
    await picker.waitFor(); // the pre-join screen is drawn: switchOnDevices finds its buttons
    await switchOnDevices(ada.page, { microphone: false });
    await picker.getByRole("radio", { name: "Strong blur" }).check();
    // The preview shows what others will see: blurred once the effect runs.
    await pictureWhen("Ada's preview to be blurred", ada.page, "video.preview", undefined, (s) => !!s && s.edges < BLURRED_EDGES);
    await ada.page.screenshot({ path: `${SCREENSHOTS}/effects-prejoin-desktop.png` });
    await joinFromPrejoin(ada.page, "Ada", "Join", { microphone: false });

    // Ben only watches (camera and microphone off): this machine's two cores go to Ada's effect.
    const ben = await joinMeeting(suite.browser, room, "Ben", { devices: { microphone: false, camera: false } });
    await seesPlaying(ben.page, ["Ada"], "Ben");
    const blurred = await pictureWhen("Ben to receive Ada blurred", ben.page, REMOTE_TILE, "Ada", (s) => !!s && s.edges < BLURRED_EDGES);
    assert.ok(showsCamera(blurred), `the camera's colours, blurred: ${JSON.stringify(blurred)}`);

    // All three simulcast layers go out from the effect's track, and keep going.
    const layers = await waitUntil("Ada to send three layers", () => outboundLayers(ada.page), (l) => l.length === 3 && l.every((x) => x.frames > 0 && x.width > 0));
    assert.deepEqual(layers.map((l) => l.width), [640, 320, 160]);
    const later = await waitUntil("each layer to send more frames", () => outboundLayers(ada.page), (l) => l.every((x, i) => x.frames > layers[i]!.frames));
    assert.equal(later.length, 3);
    // The picture moves on at the camera's pace (24 fps asked for; a loaded machine may drop some).
    const fps = await framesPerSecond(ben.page, "Ada");
    assert.ok(fps >= 12, `Ben receives Ada at ${fps} frames per second with blur on`);

    // In the meeting: Devices panel, no effect → Ben sees the sharp camera again.
    await openPanelFromMore(ada.page, "Devices");
    const panel = ada.page.getByRole("region", { name: "Devices" }).getByRole("group", { name: "Background" });
    await assert.doesNotReject(panel.getByRole("radio", { name: "Strong blur", checked: true }).waitFor());
    await panel.getByRole("radio", { name: "None" }).check();
    const sharp = await pictureWhen("Ben to receive Ada's camera as it is", ben.page, REMOTE_TILE, "Ada", (s) => !!s && s.edges > 3 * BLURRED_EDGES);
    assert.ok(sharp.edges > 3 * blurred.edges, `sharp ${sharp.edges} vs blurred ${blurred.edges}`);

    // A picture instead of the background.
    await panel.getByRole("radio", { name: "Dawn" }).check();
    await pictureWhen("Ben to receive the dawn picture behind Ada", ben.page, REMOTE_TILE, "Ada", showsDawnSky);
    await ada.page.screenshot({ path: `${SCREENSHOTS}/effects-panel-desktop.png` });

    // A device that cannot keep up: the effect goes off, the panel says why, Ben sees the camera again.
    await sendOverload(ada.page);
    await ada.page.getByRole("region", { name: "Devices" }).getByRole("status").filter({ hasText: "could not keep up" }).waitFor();
    await panel.getByRole("radio", { name: "None", checked: true }).waitFor();
    await pictureWhen("Ben to receive Ada's camera after the switch-off", ben.page, REMOTE_TILE, "Ada", showsCamera);

    // Nothing the effects need comes from, or goes to, anywhere but Treff's own origin.
    const origin = new URL(suite.server.url);
    const elsewhere = ada.requests.filter((url) => new URL(url).host !== origin.host);
    assert.deepEqual(elsewhere, []);
    assert.ok(ada.requests.some((url) => url.endsWith("/effects/selfie_segmentation_landscape.tflite")), "the model came from Treff's origin");
    await ada.context.close();
    await ben.context.close();
  });

  test("auf Deutsch, am Telefon: Hintergrund wählen, das Gerät merkt sich die Wahl", async () => {
    const room = `${suite.server.url}/r/effects-de`;
    const ada = await newParticipant(suite.browser, { locale: "de-DE", viewport: { width: 390, height: 844 } });
    await instrumentEffectsWorker(ada.context);
    await ada.page.goto(room);
    // switchOnDevices needs the pre-join screen drawn (it skips a button that is not there yet).
    const picker = ada.page.getByRole("group", { name: "Hintergrund" });
    await picker.waitFor();
    await switchOnDevices(ada.page, { microphone: false });
    for (const name of ["Ohne", "Leicht unscharf", "Stark unscharf", "Morgenrot", "Wald", "Regale"]) await picker.getByRole("radio", { name }).waitFor();
    // As a person does: the own picture shows before a background is chosen for it.
    await pictureWhen("the preview to show the camera", ada.page, "video.preview", undefined, showsCamera);
    await picker.getByRole("radio", { name: "Morgenrot" }).check();
    await pictureWhen("the preview to show the dawn picture", ada.page, "video.preview", undefined, showsDawnSky);
    await picker.scrollIntoViewIfNeeded();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/effects-prejoin-phone-de.png` });

    // The next visit on this device starts with the same picture.
    await ada.page.reload();
    await ada.page.getByRole("group", { name: "Hintergrund" }).waitFor();
    await switchOnDevices(ada.page, { microphone: false });
    await ada.page.getByRole("group", { name: "Hintergrund" }).getByRole("radio", { name: "Morgenrot", checked: true }).waitFor();
    await pictureWhen("the preview to show the dawn picture after the reload", ada.page, "video.preview", undefined, showsDawnSky);

    await joinFromPrejoin(ada.page, "Ada", "Beitreten", { microphone: false });
    await openPanelFromMore(ada.page, "Geräte");
    const panel = ada.page.getByRole("region", { name: "Geräte" }).getByRole("group", { name: "Hintergrund" });
    await panel.getByRole("radio", { name: "Morgenrot", checked: true }).waitFor();
    await panel.getByRole("radio", { name: "Leicht unscharf" }).check();
    await panel.scrollIntoViewIfNeeded();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/effects-panel-phone-de.png` });
    await ada.context.close();
  });
});
