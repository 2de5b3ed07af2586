/**
 * Only what is on screen is received, at the size it is shown: in real
 * Chromium, a receiver with a large window gets every camera at full size;
 * shrunk to a small window, the tiles that no longer fit move to a second
 * page and their video stops arriving (audio goes on), and the tiles left
 * get a smaller simulcast layer. Checked in getStats(): decoded frame counts
 * and frame widths of the inbound video streams.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, joinMeeting, newParticipant, playingRemoteNames, type ParticipantPage } from "../helpers/browser.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { sameMembers, waitUntil } from "../helpers/wait.js";
import { instrumentE2ee, workerStats } from "../helpers/e2ee.js";
import { outboundLayers } from "../helpers/effects.js";

/** The top simulcast layer's width (640×360 from the 960×540 camera, src/client/rtc/publisher.ts); the others are a half and a quarter. */
const FULL_WIDTH = 640;

interface Inbound {
  track: string;
  width: number;
  frames: number;
  kind: string;
}

/** The subscriber connection's inbound streams (the second peer connection the page made). */
function inbound(page: Page): Promise<Inbound[]> {
  return page.evaluate(async () => {
    const pcs = (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections;
    const out: Inbound[] = [];
    for (const pc of pcs) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; kind: string; trackIdentifier: string; frameWidth?: number; framesDecoded?: number }) => {
        if (r.type === "inbound-rtp") out.push({ track: r.trackIdentifier, kind: r.kind, width: r.frameWidth ?? 0, frames: r.framesDecoded ?? 0 });
      });
    }
    return out;
  });
}

/** Inbound videos that decoded new frames over `ms`, with their current width. */
async function activeVideos(page: Page, ms = 1_500): Promise<Inbound[]> {
  const before = new Map((await inbound(page)).filter((s) => s.kind === "video").map((s) => [s.track, s.frames]));
  await new Promise((r) => setTimeout(r, ms));
  return (await inbound(page)).filter((s) => s.kind === "video" && s.frames > (before.get(s.track) ?? 0));
}

/** Ada (the receiver, in a window of `viewport`) in a meeting with Ben and Cy (in small windows), once she sees both. */
async function adaWithBenAndCy(browser: Browser, room: string, viewport: { width: number; height: number }): Promise<{ ada: ParticipantPage; ben: ParticipantPage }> {
  const ada = await newParticipant(browser, { viewport });
  await instrumentE2ee(ada.context);
  await ada.page.goto(room);
  await joinFromPrejoin(ada.page, "Ada");
  const ben = await newParticipant(browser, { viewport: { width: 480, height: 360 } });
  await instrumentE2ee(ben.context);
  await ben.page.goto(room);
  await joinFromPrejoin(ben.page, "Ben");
  await joinMeeting(browser, room, "Cy", { viewport: { width: 480, height: 360 } });
  await waitUntil("Ada to see Ben and Cy", () => playingRemoteNames(ada.page), (n) => sameMembers(n, ["Ben", "Cy"]), 20_000);
  return { ada, ben };
}

/** Frames each simulcast layer of the page's camera sent over `ms`, by rid. */
async function layersSending(page: Page, ms = 1_500): Promise<Record<string, number>> {
  const before = new Map((await outboundLayers(page)).map((l) => [l.rid, l.frames]));
  await new Promise((r) => setTimeout(r, ms));
  return Object.fromEntries((await outboundLayers(page)).map((l) => [l.rid, l.frames - (before.get(l.rid) ?? 0)]));
}

describe("video received only for visible tiles, at the layer their size needs", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let ada: ParticipantPage;
  let ben: ParticipantPage;

  before(async () => {
    ({ ada, ben } = await adaWithBenAndCy(suite.browser, `${suite.server.url}/r/layers-${Date.now().toString(36)}`, { width: 1400, height: 900 }));
  });

  test("a camera someone shows large goes out in three simulcast layers: full, half and quarter size", async () => {
    // Ada's large window shows Ben at full size.
    const layers = await waitUntil(
      "Ben's three layers sending",
      () => outboundLayers(ben.page),
      (l) => l.length === 3 && l.every((layer) => layer.frames > 0),
      20_000,
    );
    assert.deepEqual(layers.map((l) => [l.rid, l.width]), [["h", FULL_WIDTH], ["m", FULL_WIDTH / 2], ["l", FULL_WIDTH / 4]]);
    await waitUntil("Ben's top layer to keep sending", () => layersSending(ben.page), (sent) => (sent.h ?? 0) > 0, 20_000);
  });

  test("a layer nobody receives pauses, and comes back when someone shows that camera large (dynacast)", async () => {
    // Ben and Cy see Ada in small windows: nobody receives her top layer, so after a few seconds it stops.
    const paused = await waitUntil("Ada's top layer to pause", () => layersSending(ada.page), (sent) => sent.h === 0 && (sent.l ?? 0) > 0, 30_000);
    assert.equal(paused.h, 0);
    await ben.page.setViewportSize({ width: 1400, height: 900 });
    await waitUntil("Ada's top layer to send again", () => layersSending(ada.page), (sent) => (sent.h ?? 0) > 0, 30_000);
    await waitUntil("Ben to see Ada at full size", () => activeVideos(ben.page), (v) => v.some((s) => s.width >= FULL_WIDTH), 20_000);
    await ben.page.setViewportSize({ width: 480, height: 360 });
  });

  test("in a large window every camera arrives at full size", async () => {
    const videos = await waitUntil("two full-size videos", () => activeVideos(ada.page), (v) => v.length === 2 && v.every((s) => s.width >= FULL_WIDTH), 20_000);
    assert.equal(videos.length, 2);
  });

  test("in a small window, tiles on the next page cost no video and the visible one gets a small layer", async () => {
    // Wide and low enough that one tile fits a page (one's own picture floats in a corner on so small a screen).
    await ada.page.setViewportSize({ width: 420, height: 300 });
    await ada.page.getByRole("navigation", { name: "Pages of participants" }).waitFor();
    const videos = await waitUntil(
      "one small video",
      () => activeVideos(ada.page),
      (v) => v.length === 1 && v[0]!.width > 0 && v[0]!.width <= FULL_WIDTH / 2,
      20_000,
    );
    assert.equal(videos.length, 1);
    // The people on the other page are still heard: their audio keeps arriving.
    const audio = (await inbound(ada.page)).filter((s) => s.kind === "audio");
    assert.ok(audio.length >= 2, `audio from everyone: ${audio.length}`);

    // Turning the page brings the others' video, and stops what is now off screen.
    await ada.page.getByRole("button", { name: "Next page" }).click();
    await ada.page.getByRole("button", { name: "Previous page" }).waitFor();
    const shown = await ada.page.locator(".grid figure.tile:not([hidden]):not(.pip)").evaluateAll((tiles) => tiles.map((t) => t.getAttribute("aria-label")));
    assert.ok(shown.length >= 1 && !shown.includes("Ada (you)"));
    await waitUntil("the next page's video", () => playingRemoteNames(ada.page), (n) => n.length >= 1, 20_000);
  });

  test("back in a large window, everyone is on one page at full size again", async () => {
    await ada.page.setViewportSize({ width: 1400, height: 900 });
    await ada.page.getByRole("navigation", { name: "Pages of participants" }).waitFor({ state: "hidden" });
    await waitUntil("two full-size videos again", () => activeVideos(ada.page), (v) => v.length === 2 && v.every((s) => s.width >= FULL_WIDTH), 20_000);
  });
});

describe("speaker view", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let ada: ParticipantPage;

  before(async () => {
    ({ ada } = await adaWithBenAndCy(suite.browser, `${suite.server.url}/r/speaker-${Date.now().toString(36)}`, { width: 1280, height: 800 }));
  });

  test("one speaker large at full size, everyone else in a strip at a small layer; back to the grid", async () => {
    await chooseFromMore(ada.page, "Speaker view");
    // The speaker's tile is marked and drawn large; it stays where it is in the page, so its video never stalls.
    const speaker = ada.page.locator("figure.tile.spotlit");
    await speaker.waitFor();
    // Measured until the layout has settled (the mark comes first, the new sizes with the next layout).
    const strip = ada.page.locator(".grid figure.tile:not([hidden]):not(.spotlit)");
    const sizes = async () => ({ speaker: (await speaker.boundingBox())?.width ?? 0, strip: await strip.evaluateAll((tiles) => tiles.map((t) => t.getBoundingClientRect().width)) });
    const settled = await waitUntil("the speaker drawn much larger than the strip", sizes, (s) => s.strip.length > 0 && s.strip.every((w) => s.speaker > 2 * w), 10_000);
    assert.ok(settled.strip.length >= 1);
    await ada.page.screenshot({ path: `${SCREENSHOTS}/speaker-view-en.png` });
    await waitUntil(
      "one full-size and one small video",
      () => activeVideos(ada.page),
      (v) => v.length === 2 && v.some((s) => s.width >= FULL_WIDTH) && v.some((s) => s.width > 0 && s.width <= FULL_WIDTH / 2),
      20_000,
    );
    await chooseFromMore(ada.page, "Grid view");
    await speaker.waitFor({ state: "detached" });
    await waitUntil("Ada sees both in the grid again", () => playingRemoteNames(ada.page), (n) => sameMembers(n, ["Ben", "Cy"]));
    // Every layer switch above changed which of Ben's and Cy's frames reached Ada, out of their counters' order:
    // the replay protection let all of them through.
    const stats = await workerStats(ada.page);
    assert.ok(stats && stats.decrypted > 0, `Ada decrypted frames (${JSON.stringify(stats)})`);
    assert.equal(stats.replayed, 0, "no genuine frame was taken for a replay");
  });
});
