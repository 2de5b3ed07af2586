/**
 * The meeting screen as people see it, to be looked at: at 1280×720,
 * 1920×1080, 768×1024 and 390×844, in English and German, in meetings of
 * 1, 2, 6 and 16, with a side panel closed and open
 * (test-output/screenshots/screen-*.png; docs/ui.md shows some). Two real
 * browsers look (one English, one German); the others are synthetic
 * participants replaying VP8 (bench/synthetic-participant.ts), or, without
 * ffmpeg to make their clips, signaling-only participants without camera.
 * Along the way, at every size: the bar is one row, nothing sticks out
 * sideways, and every tile on the page shows its picture or initials.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import type { Page } from "playwright-core";
import { SIGNALING_PATH } from "../../src/protocol/constants.js";
import { joinFromPrejoin, newParticipant, type ParticipantPage } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import { TestClient } from "../integration/client.js";
import { SyntheticParticipant } from "../../bench/synthetic-participant.js";
import { loadClips, type Clip } from "../../bench/vp8-clip.js";

const SIZES = [
  { width: 1280, height: 720 },
  { width: 1920, height: 1080 },
  { width: 768, height: 1024 },
  { width: 390, height: 844 },
] as const;

const LANGUAGES = {
  en: { locale: "en-US", join: "Join", name: "Ada Lovelace", chat: "Chat", people: "People", message: "Message", send: "Send", hello: "Good morning, everyone!" },
  de: { locale: "de-DE", join: "Beitreten", name: "Bernd Brandt", chat: "Chat", people: "Teilnehmende", message: "Nachricht", send: "Senden", hello: "Guten Morgen zusammen!" },
} as const;
type Language = keyof typeof LANGUAGES;

/** Someone in the meeting who is not a browser; `close` takes them out. */
interface Extra {
  close(): Promise<unknown>;
}

const hasFfmpeg = spawnSync("ffmpeg", ["-version"], { stdio: "ignore" }).status === 0;
let clips: Clip[] | undefined;

/** Joins `count` more participants: synthetic publishers with video when ffmpeg can make their clips. */
async function addOthers(serverUrl: string, room: string, count: number): Promise<Extra[]> {
  const signalingUrl = `${serverUrl.replace(/^http/, "ws")}${SIGNALING_PATH}`;
  clips ??= hasFfmpeg ? loadClips() : undefined;
  const names = Array.from({ length: count }, (_, i) => `Person ${i + 3}`);
  if (clips) return Promise.all(names.map((name) => SyntheticParticipant.join(signalingUrl, room, name, { clips: clips! })));
  return Promise.all(
    names.map(async (name) => {
      const client = await TestClient.connect(signalingUrl);
      await client.join(room, name);
      client.send({ type: "mediaState", audio: false, video: false });
      return client;
    }),
  );
}

/** Every camera tile on the page shows its picture, or initials when there is none to show. */
async function tilesReady(page: Page): Promise<void> {
  await waitUntil(
    "every visible tile to show its picture or initials",
    () =>
      page.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>("figure.tile")]
          .filter((tile) => tile.offsetParent !== null)
          .filter((tile) => {
            const video = tile.querySelector("video")!;
            return !tile.classList.contains("camera-off") && !tile.classList.contains("undecryptable") && (video.paused || video.videoWidth === 0);
          })
          .map((tile) => tile.getAttribute("aria-label")),
      ),
    (waiting) => waiting.length === 0,
    // Sixteen at once on a shared two-core machine: a tile's new layer can take a while.
    40_000,
  );
}

/** Checks what must hold at every size, and saves the screenshot. */
async function shot(page: Page, name: string): Promise<void> {
  await tilesReady(page);
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: nothing sticks out sideways`);
  const tops = await page.getByRole("toolbar").getByRole("button").evaluateAll((buttons) => buttons.map((b) => Math.round(b.getBoundingClientRect().top)));
  assert.ok(Math.max(...tops) - Math.min(...tops) < 10, `${name}: the bar is one row (${tops.join(", ")})`);
  await page.screenshot({ path: `${SCREENSHOTS}/screen-${name}.png` });
}

/** A viewer joins `room` as a moderator in their language. */
async function viewer(browser: Parameters<typeof newParticipant>[0], url: string, language: Language): Promise<ParticipantPage> {
  const L = LANGUAGES[language];
  const p = await newParticipant(browser, { locale: L.locale, viewport: SIZES[0] });
  await p.page.goto(url);
  await joinFromPrejoin(p.page, L.name, L.join);
  return p;
}

/** Screenshots of `p` at every size, the panel closed and then open. */
async function tour(p: ParticipantPage, language: Language, count: number): Promise<void> {
  const L = LANGUAGES[language];
  const panel = count > 2 ? "people" : "chat";
  const toggle = p.page.getByRole("toolbar").getByRole("button", { name: panel === "chat" ? L.chat : new RegExp(`^${L.people}`) });
  for (const size of SIZES) {
    await p.page.setViewportSize(size);
    const tag = `${count}p-${language}-${size.width}x${size.height}`;
    await shot(p.page, tag);
    await toggle.click();
    if (panel === "chat" && (await p.page.getByRole("region", { name: L.chat }).getByText(L.hello).count()) === 0) {
      await p.page.getByRole("textbox", { name: L.message }).fill(L.hello);
      await p.page.getByRole("button", { name: L.send }).click();
      await p.page.getByRole("region", { name: L.chat }).getByText(L.hello).waitFor();
    }
    await shot(p.page, `${tag}-${panel}`);
    await toggle.click();
  }
}

describe("the meeting screen at four sizes, in both languages, with 1, 2, 6 and 16 participants", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  const extras: Extra[] = [];
  after(async () => {
    await Promise.all(extras.splice(0).map((e) => e.close()));
  });

  for (const language of ["en", "de"] as const) {
    test(`alone (${language})`, async () => {
      const { room, moderatorKey } = await createMeeting(suite.server, `alone-${language}`);
      const p = await viewer(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, language);
      await tour(p, language, 1);
      await p.context.close();
    });
  }

  for (const count of [2, 6, 16]) {
    test(`${count} participants`, async () => {
      const { room, moderatorKey } = await createMeeting(suite.server, `screen-${count}`);
      const url = `${suite.server.url}/r/${room}#moderator=${moderatorKey}`;
      const en = await viewer(suite.browser, url, "en");
      const de = await viewer(suite.browser, url, "de");
      extras.push(...(await addOthers(suite.server.url, room, count - 2)));
      for (const p of [en, de]) {
        await waitUntil(`${count} tiles`, () => p.page.locator("figure.tile").count(), (n) => n === count, 30_000);
      }
      await tour(en, "en", count);
      await tour(de, "de", count);
      await Promise.all(extras.splice(0).map((e) => e.close()));
      await en.context.close();
      await de.context.close();
    });
  }
});
