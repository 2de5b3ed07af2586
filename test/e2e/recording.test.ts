/**
 * Recording with consent in real Chromium against the real server and Janus
 * (issue 16), end-to-end encrypted: a moderator records; Ann agrees, Bert
 * (in German) declines; everyone sees the indicator; someone who opens the
 * meeting's link meanwhile is told on the pre-join screen, and in the lobby,
 * before joining. The file comes as a download on the moderator's device;
 * ffmpeg decodes it: it has moving pictures and sound, Ann's camera colour is
 * in it and Bert's is not. Nothing the size of the recording went to the
 * server (request bodies and WebSocket frames are counted).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { stat } from "node:fs/promises";
import type { BrowserContext, Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, newParticipant, openPanelFromMore, seesPlaying, type ParticipantPage } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { seriousViolations } from "../helpers/axe.js";

const run = promisify(execFile);

/** Solid camera colours, far from the fake camera's greens and from each other. */
const RED = [220, 30, 30] as const;
const BLUE = [30, 30, 220] as const;

/** This person's camera shows one solid colour (a canvas instead of the fake device); the microphone stays the fake one. */
async function paintCamera(context: BrowserContext, [r, g, b]: readonly number[]): Promise<void> {
  await context.addInitScript(
    ({ colour }) => {
      const devices = navigator.mediaDevices;
      const original = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints) => {
        if (!constraints?.video) return original(constraints);
        const canvas = document.createElement("canvas");
        canvas.width = 640;
        canvas.height = 360;
        const context = canvas.getContext("2d")!;
        const paint = () => {
          context.fillStyle = colour;
          context.fillRect(0, 0, canvas.width, canvas.height);
        };
        paint();
        setInterval(paint, 1000 / 15);
        return canvas.captureStream(15);
      };
    },
    { colour: `rgb(${r}, ${g}, ${b})` },
  );
}

interface Person extends ParticipantPage {
  /** Bytes this page sent to the server: request bodies and WebSocket frames, and the largest single one. */
  sent: { total: number; largest: number };
}

async function person(browser: Parameters<typeof newParticipant>[0], options: { locale?: string; colour?: readonly number[]; viewport?: { width: number; height: number } } = {}): Promise<Person> {
  const p = await newParticipant(browser, { locale: options.locale, viewport: options.viewport });
  if (options.colour) await paintCamera(p.context, options.colour);
  const sent = { total: 0, largest: 0 };
  const count = (bytes: number) => {
    sent.total += bytes;
    sent.largest = Math.max(sent.largest, bytes);
  };
  p.page.on("request", (request) => count(request.postDataBuffer()?.length ?? 0));
  p.page.on("websocket", (ws) => ws.on("framesent", (frame) => count(typeof frame.payload === "string" ? Buffer.byteLength(frame.payload) : frame.payload.length)));
  return { ...p, sent };
}

/** The recording's video as 160×90 RGB frames, and its sound's loudness (RMS of 16-bit samples). */
async function decode(file: string): Promise<{ frames: Buffer[]; rms: number }> {
  const video = await run("ffmpeg", ["-v", "error", "-i", file, "-map", "0:v:0", "-fps_mode", "passthrough", "-vf", "scale=160:90", "-pix_fmt", "rgb24", "-f", "rawvideo", "-"], { encoding: "buffer", maxBuffer: 256 * 1024 * 1024 });
  const size = 160 * 90 * 3;
  const frames: Buffer[] = [];
  for (let i = 0; i + size <= video.stdout.length; i += size) frames.push(video.stdout.subarray(i, i + size));
  const audio = await run("ffmpeg", ["-v", "error", "-i", file, "-map", "0:a:0", "-ac", "1", "-ar", "8000", "-f", "s16le", "-"], { encoding: "buffer", maxBuffer: 64 * 1024 * 1024 });
  let sum = 0;
  const samples = Math.floor(audio.stdout.length / 2);
  for (let i = 0; i < samples; i++) sum += audio.stdout.readInt16LE(i * 2) ** 2;
  return { frames, rms: Math.sqrt(sum / Math.max(1, samples)) };
}

/** Share of a frame's pixels close to `colour`. */
function shareOf(frame: Buffer, [r, g, b]: readonly number[]): number {
  let near = 0;
  for (let i = 0; i < frame.length; i += 3) {
    if (Math.abs(frame[i]! - r!) < 50 && Math.abs(frame[i + 1]! - g!) < 50 && Math.abs(frame[i + 2]! - b!) < 50) near++;
  }
  return near / (frame.length / 3);
}

const indicator = (page: Page, name: string) => page.getByRole("status", { name, exact: true });

describe("recording with consent", () => {
  const suite = useServerAndBrowser({ logLevel: "warn" });

  test("consent asked of everyone, the decliner absent from the file, newcomers told before joining, nothing uploaded", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "recording");
    const url = `${suite.server.url}/r/${room}`;
    const mona = await person(suite.browser, { viewport: { width: 1280, height: 720 } });
    await mona.page.goto(`${url}#moderator=${moderatorKey}`);
    await joinFromPrejoin(mona.page, "Mona Mod");
    await mona.page.getByRole("toolbar").waitFor();

    const ann = await person(suite.browser, { colour: RED });
    const bert = await person(suite.browser, { colour: BLUE, locale: "de-DE" });
    await ann.page.goto(url);
    await joinFromPrejoin(ann.page, "Ann Agree");
    await bert.page.goto(url);
    await joinFromPrejoin(bert.page, "Bert Berg", "Beitreten");
    await openPanelFromMore(mona.page, "Lobby");
    await mona.page.getByRole("region", { name: "Lobby" }).getByRole("button", { name: "Let everyone in" }).click();
    await seesPlaying(mona.page, ["Ann Agree", "Bert Berg"], "the moderator");
    await mona.page.getByRole("region", { name: "Lobby" }).getByRole("button", { name: "Close panel" }).click();

    // The moderator starts; everyone else is asked, and hears it (the notices are a live region).
    await chooseFromMore(mona.page, "Record meeting");
    await indicator(mona.page, "Recording").waitFor();
    const annAsk = ann.page.getByRole("dialog", { name: "Recording" });
    await annAsk.getByText("Mona Mod wants to record this meeting.").waitFor();
    await ann.page.locator('[aria-live="polite"]').getByRole("group", { name: "Mona Mod started recording the meeting." }).waitFor();
    const bertAsk = bert.page.getByRole("dialog", { name: "Aufzeichnung" });
    await bertAsk.getByText("Mona Mod möchte diese Besprechung aufzeichnen.").waitFor();
    await ann.page.screenshot({ path: `${SCREENSHOTS}/recording-consent-en.png` });
    await bert.page.setViewportSize({ width: 390, height: 844 });
    await bert.page.screenshot({ path: `${SCREENSHOTS}/recording-consent-phone-de.png` });
    assert.deepEqual(await seriousViolations(ann.page), [], "the consent dialog");
    await annAsk.getByRole("button", { name: "Agree" }).click();
    await bertAsk.getByRole("button", { name: "Ablehnen" }).click();
    await indicator(ann.page, "Recording").getByText("You agreed to be recorded.").waitFor();
    await indicator(bert.page, "Aufzeichnung läuft").getByText("Sie werden nicht aufgezeichnet.").waitFor();
    await indicator(mona.page, "Recording").getByText("You are recording: 1 agreed, 1 declined").waitFor();
    await mona.page.screenshot({ path: `${SCREENSHOTS}/recording-indicator-en.png` });
    await bert.page.screenshot({ path: `${SCREENSHOTS}/recording-indicator-phone-de.png` });
    assert.deepEqual(await seriousViolations(bert.page), [], "the indicator (German, phone)");

    // Someone who opens the link now is told before joining: on the pre-join screen, and in the lobby.
    const cleo = await person(suite.browser);
    await cleo.page.goto(url);
    await cleo.page.getByRole("status").filter({ hasText: "This meeting is being recorded." }).waitFor();
    await cleo.page.screenshot({ path: `${SCREENSHOTS}/recording-prejoin-en.png` });
    await joinFromPrejoin(cleo.page, "Cleo Late", "Join", { camera: false, microphone: false });
    await cleo.page.getByText("Please wait: a host will let you in soon.").waitFor();
    await cleo.page.getByRole("status").filter({ hasText: "This meeting is being recorded." }).waitFor();
    await cleo.page.screenshot({ path: `${SCREENSHOTS}/recording-lobby-en.png` });
    // Let in, she is asked too (and, not answering, stays out of the picture).
    await mona.page.locator('[aria-live="polite"]').getByRole("group", { name: "Cleo Late is waiting in the lobby." }).getByRole("button", { name: "Let in" }).click();
    await cleo.page.getByRole("dialog", { name: "Recording" }).getByText("Mona Mod wants to record this meeting.").waitFor();

    // About four seconds with both answers in, then stop: the file is a download on the moderator's device.
    const sentBefore = mona.sent.total;
    await mona.page.waitForTimeout(4_000);
    const [download] = await Promise.all([mona.page.waitForEvent("download"), chooseFromMore(mona.page, "Stop recording")]);
    assert.match(download.suggestedFilename(), /^treff-recording-\d{4}-\d\d-\d\d-\d{4}\.webm$/);
    // Kept next to the screenshots, for a person to watch.
    const file = `${SCREENSHOTS}/../recording.webm`;
    await download.saveAs(file);
    await ann.page.locator('[aria-live="polite"]').getByRole("group", { name: "The recording stopped." }).waitFor();
    await bert.page.locator('[aria-live="polite"]').getByRole("group", { name: "Die Aufzeichnung wurde beendet." }).waitFor();
    await indicator(ann.page, "Recording").waitFor({ state: "hidden" });
    await cleo.page.getByRole("status").filter({ hasText: "This meeting is being recorded." }).waitFor({ state: "hidden" });

    const { size } = await stat(file);
    const { frames, rms } = await decode(file);
    assert.ok(frames.length >= 30, `moving pictures: ${frames.length} frames`);
    assert.ok(rms > 50, `sound in the mix: RMS ${rms.toFixed(0)}`);
    // The last seconds, with both answers in: Ann's red tile is there, Bert's blue never.
    const late = frames.slice(-15);
    const red = Math.min(...late.map((f) => shareOf(f, RED)));
    const blue = Math.max(...frames.map((f) => shareOf(f, BLUE)));
    assert.ok(red > 0.05, `Ann's picture is in the recording (${(red * 100).toFixed(1)} % red)`);
    assert.ok(blue < 0.002, `Bert's picture is not (${(blue * 100).toFixed(2)} % blue)`);
    // Nothing the size of the recording left any page.
    const uploaded = mona.sent.total - sentBefore;
    for (const p of [mona, ann, bert, cleo]) assert.ok(p.sent.largest < 70_000, `no large request or frame (${p.sent.largest} bytes)`);
    assert.ok(uploaded < size / 4, `the moderator sent ${uploaded} bytes while recording; the file has ${size}`);
  });
});
