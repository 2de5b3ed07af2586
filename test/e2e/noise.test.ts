/**
 * Noise suppression in real Chromium, as people use it: on by default, the
 * switch under the microphone on the pre-join screen and in the meeting's
 * Devices panel, remembered on the device. What the other participant
 * receives is measured: Chromium's fake microphone plays a noisy voice-like
 * sample (test/helpers/noise.ts), and with suppression on, the energy in the
 * band where only noise is drops clearly while the voice's band stays.
 * Switching swaps the sent track with replaceTrack: no renegotiation, the
 * same RTP stream keeps flowing. Nothing is fetched from elsewhere. When
 * the device cannot keep up, suppression goes off and the page says so (the
 * worklet's report is simulated: this shared machine's timings are not the
 * test's subject; bench:noise measures them).
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, switchOnDevices } from "../helpers/browser.js";
import { instrumentNoiseWorklet, noisySpeech, receivedBands, sendNoiseOverload, writeWav, type ReceivedBands } from "../helpers/noise.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

const SAMPLE = join(tmpdir(), `treff-noisy-speech-${process.pid}.wav`);
writeWav(SAMPLE, noisySpeech());

/** The sending side's audio RTP stream: which one, how many packets so far, and how many offers the page made. */
function audioSending(page: Page): Promise<{ ssrc: number; packets: number; connections: number }> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections.filter((pc) => pc.connectionState !== "closed");
    let ssrc = 0;
    let packets = 0;
    for (const pc of pcs) {
      (await pc.getStats()).forEach((r: { type: string; kind: string; ssrc: number; packetsSent?: number }) => {
        if (r.type !== "outbound-rtp" || r.kind !== "audio" || (r.packetsSent ?? 0) <= packets) return;
        ssrc = r.ssrc;
        packets = r.packetsSent ?? 0;
      });
    }
    return { ssrc, packets, connections: pcs.length };
  });
}

describe("noise suppression: RNNoise on the microphone before it is sent", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } }, [`--use-file-for-fake-audio-capture=${SAMPLE}`]);
  after(() => rmSync(SAMPLE, { force: true }));

  test("on by default, the other participant receives far less noise and the voice still; off again in the Devices panel without renegotiating", async () => {
    const room = `${suite.server.url}/r/noise-en`;
    const ada = await newParticipant(suite.browser, { viewport: { width: 1280, height: 720 } });
    await instrumentNoiseWorklet(ada.context);
    await ada.page.goto(room);
    const noiseSwitch = ada.page.getByRole("checkbox", { name: "Noise suppression" });
    await noiseSwitch.waitFor();
    assert.equal(await noiseSwitch.isChecked(), true, "on by default");
    await switchOnDevices(ada.page, { camera: false });
    await ada.page.screenshot({ path: `${SCREENSHOTS}/noise-prejoin-desktop.png`, fullPage: true });
    await joinFromPrejoin(ada.page, "Ada", "Join", { camera: false });

    const ben = await joinMeeting(suite.browser, room, "Ben", { devices: { microphone: false, camera: false } });
    await ben.page.locator("body").click({ position: { x: 5, y: 5 } }); // lets Ben's page process audio
    const hears = (what: string, done: (b: ReceivedBands | undefined) => boolean) => waitUntil(what, () => receivedBands(ben.page, "Ada"), done, 30_000, 0) as Promise<ReceivedBands>;
    const suppressed = await hears("Ben to hear Ada", (b) => !!b && b.voice > -200);
    const before = await audioSending(ada.page);
    // The camera opened after the microphone: the switch below must still reach the microphone.
    await ada.page.getByRole("button", { name: "Turn on camera" }).click();

    await openPanelFromMore(ada.page, "Devices");
    const panelSwitch = ada.page.getByRole("region", { name: "Devices" }).getByRole("checkbox", { name: "Noise suppression" });
    assert.equal(await panelSwitch.isChecked(), true);
    await ada.page.screenshot({ path: `${SCREENSHOTS}/noise-panel-desktop.png` });
    await panelSwitch.uncheck();
    const plain = await hears("Ben to hear Ada's noise", (b) => !!b && b.noise > suppressed.noise + 10);
    assert.ok(suppressed.voice > plain.voice - 10, `the voice stays: ${JSON.stringify({ suppressed, plain })}`);
    assert.ok(suppressed.voice > suppressed.noise + 10, `the voice stands out of what noise is left: ${JSON.stringify(suppressed)}`);

    // The same RTP stream, the same peer connections: the track was replaced, nothing renegotiated.
    const after = await audioSending(ada.page);
    assert.equal(after.ssrc, before.ssrc);
    assert.equal(after.connections, before.connections);
    assert.ok(after.packets > before.packets);

    // And on again: the noise goes back down.
    await panelSwitch.check();
    await hears("Ben to hear Ada denoised again", (b) => !!b && b.noise < plain.noise - 10);

    // A device that cannot keep up: suppression goes off, the panel says why, Ben hears the plain microphone.
    await sendNoiseOverload(ada.page);
    await ada.page.getByRole("region", { name: "Devices" }).getByRole("status").filter({ hasText: "could not keep up with noise suppression" }).waitFor();
    assert.equal(await panelSwitch.isChecked(), false);
    await hears("Ben to hear Ada's noise after the switch-off", (b) => !!b && b.noise > suppressed.noise + 10);

    // Nothing came from elsewhere. (Playwright does not report a worklet's module request; the
    // CSP's script-src 'self', checked in third-party.test.ts, is what keeps it on Treff's origin.)
    const origin = new URL(suite.server.url);
    assert.deepEqual(ada.requests.filter((url) => new URL(url).host !== origin.host), []);
    await ada.context.close();
    await ben.context.close();
  });

  test("auf Deutsch, am Telefon: Rauschunterdrückung abschalten, das Gerät merkt sich die Wahl", async () => {
    const room = `${suite.server.url}/r/noise-de`;
    const ada = await newParticipant(suite.browser, { locale: "de-DE", viewport: { width: 390, height: 844 } });
    await instrumentNoiseWorklet(ada.context);
    await ada.page.goto(room);
    const noiseSwitch = ada.page.getByRole("checkbox", { name: "Rauschunterdrückung" });
    await noiseSwitch.waitFor();
    await switchOnDevices(ada.page, { camera: false });
    assert.equal(await noiseSwitch.isChecked(), true);
    await noiseSwitch.uncheck();
    await noiseSwitch.scrollIntoViewIfNeeded();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/noise-prejoin-phone-de.png` });

    // The next visit on this device starts with it off.
    await ada.page.reload();
    await ada.page.getByRole("checkbox", { name: "Rauschunterdrückung", checked: false }).waitFor();
    await joinFromPrejoin(ada.page, "Ada", "Beitreten", { camera: false });
    await openPanelFromMore(ada.page, "Geräte");
    const panelSwitch = ada.page.getByRole("region", { name: "Geräte" }).getByRole("checkbox", { name: "Rauschunterdrückung" });
    assert.equal(await panelSwitch.isChecked(), false);
    await panelSwitch.check();
    await panelSwitch.scrollIntoViewIfNeeded();
    await ada.page.screenshot({ path: `${SCREENSHOTS}/noise-panel-phone-de.png` });
    await ada.context.close();
  });
});
