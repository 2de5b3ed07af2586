/**
 * Every view in both languages, at desktop, tablet and phone size, saved to
 * test-output/screenshots/tour-*.png to be looked at. Along the way: each
 * view is found by its accessible names in that language, nothing scrolls
 * sideways, and switching the language inside a meeting keeps the person in
 * the meeting.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, playingRemoteNames } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

const SIZES = {
  desktop: { width: 1280, height: 800 },
  tablet: { width: 820, height: 1180 },
  phone: { width: 390, height: 844 },
} as const;

/** The strings the tour clicks on, per language. */
const LABELS = {
  en: { join: "Join", newMeeting: "New meeting", settings: "Meeting settings", guestLink: "Link for guests", waiting: "Please wait", lobby: "Lobby", admit: "Let Gast in", chat: "Chat", people: "People (2)", devices: "Devices", grid: "Grid view", share: "Share screen", leave: "Leave meeting", left: "You left the meeting", more: "More", close: "Close panel", knock: "Gast is waiting in the lobby." },
  de: { join: "Beitreten", newMeeting: "Neue Besprechung", settings: "Einstellungen der Besprechung", guestLink: "Link für Gäste", waiting: "Bitte warten Sie", lobby: "Warteraum", admit: "Gast einlassen", chat: "Chat", people: "Teilnehmende (2)", devices: "Geräte", grid: "Rasteransicht", share: "Bildschirm teilen", leave: "Besprechung verlassen", left: "Sie haben die Besprechung verlassen", more: "Mehr", close: "Seitenleiste schließen", knock: "Gast wartet im Warteraum." },
} as const;

async function shot(page: Page, name: string): Promise<void> {
  assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), `${name}: nothing sticks out sideways`);
  await page.screenshot({ path: `${SCREENSHOTS}/tour-${name}.png` });
}

describe("a tour of every view", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { operator: { name: "Musterschule", contact: "datenschutz@musterschule.example" } } });

  for (const [language, locale] of [["en", "en-US"], ["de", "de-DE"]] as const) {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const full = size === "desktop";
      test(`${language}, ${size}`, async () => {
        const L = LABELS[language];
        const tag = `${language}-${size}`;
        const host = await newParticipant(suite.browser, { locale, viewport });
        await host.page.goto(suite.server.url);
        await shot(host.page, `${tag}-home`);
        await host.page.getByRole("button", { name: L.newMeeting }).click();
        await host.page.getByRole("textbox", { name: "Name", exact: true }).waitFor();
        await shot(host.page, `${tag}-prejoin`);
        await joinFromPrejoin(host.page, "Hanna", L.join);
        await openPanelFromMore(host.page, L.settings);
        const link = await host.page.getByRole("textbox", { name: L.guestLink }).inputValue();
        if (full) await shot(host.page, `${tag}-settings`);
        await host.page.getByRole("region", { name: L.settings }).getByRole("button", { name: L.close }).click();

        const guest = await joinMeeting(suite.browser, link, "Gast", { locale, viewport, joinLabel: L.join });
        await guest.page.getByText(L.waiting, { exact: false }).waitFor();
        // The knock comes to the host as a notice (for a few seconds; the lobby panel keeps the list).
        await host.page.getByRole("group", { name: L.knock }).waitFor();
        if (full) await shot(host.page, `${tag}-knock`);
        await waitUntil("the waiting guest's own picture", () => guest.page.locator(".waiting video").evaluate((v: HTMLVideoElement) => (v.paused ? 0 : v.videoWidth)), (w) => w > 0);
        await shot(guest.page, `${tag}-waiting`);
        await openPanelFromMore(host.page, L.lobby, new RegExp(`^${L.lobby}`));
        if (full) await shot(host.page, `${tag}-lobby`);
        await host.page.getByRole("button", { name: L.admit }).click();
        await waitUntil("the guest to see the host", () => playingRemoteNames(guest.page), (n) => n.length === 1, 20_000);
        await waitUntil("the host to see the guest", () => playingRemoteNames(host.page), (n) => n.length === 1, 20_000);
        await shot(host.page, `${tag}-meeting`);

        await guest.page.getByRole("button", { name: L.chat, exact: true }).click();
        await guest.page.getByRole("textbox", { name: language === "de" ? "Nachricht" : "Message" }).fill(language === "de" ? "Guten Tag!" : "Hello!");
        await guest.page.getByRole("button", { name: language === "de" ? "Senden" : "Send" }).click();
        await shot(guest.page, `${tag}-chat`);
        if (full) {
          await host.page.getByRole("button", { name: L.people, exact: true }).click();
          await shot(host.page, `${tag}-people`);
          await openPanelFromMore(host.page, L.devices);
          await shot(host.page, `${tag}-devices`);
          await host.page.getByRole("region", { name: L.devices }).getByRole("button", { name: L.close }).click();
          await host.page.getByRole("button", { name: L.more, exact: true }).click();
          await shot(host.page, `${tag}-more`);
          await host.page.keyboard.press("Escape");
          // A meeting of two starts with the other person large; the grid puts both side by side.
          await chooseFromMore(host.page, L.grid);
          await shot(host.page, `${tag}-grid`);
          await guest.page.getByRole("button", { name: L.share }).click();
          await waitUntil(
            "the shared screen to show pictures",
            () => host.page.locator("figure.screen-tile video").evaluate((v: HTMLVideoElement) => v.videoWidth),
            (w) => w > 0,
            20_000,
          );
          await shot(host.page, `${tag}-screen`);
          await shot(guest.page, `${tag}-sharing`);
        }
        await guest.page.getByRole("button", { name: L.leave }).click();
        await guest.page.getByRole("heading", { name: L.left }).waitFor();
        await shot(guest.page, `${tag}-left`);
        if (full) {
          await guest.page.goto(`${suite.server.url}/check`);
          await guest.page.getByRole("heading", { level: 1 }).waitFor();
          await shot(guest.page, `${tag}-check`);
          await guest.page.goto(`${suite.server.url}/privacy?lang=${language}`);
          await shot(guest.page, `${tag}-privacy`);
        }
        await host.context.close();
        await guest.context.close();
      });
    }
  }

  test("switching the language inside a meeting keeps the person in it", async () => {
    const ada = await newParticipant(suite.browser, { viewport: SIZES.desktop });
    const ben = await newParticipant(suite.browser, { viewport: SIZES.desktop });
    const key = await createMeeting(suite.server, "sprachwechsel");
    const room = `${suite.server.url}/r/${key.room}`;
    await ada.page.goto(`${room}#moderator=${key.moderatorKey}`);
    await joinFromPrejoin(ada.page, "Ada");
    await ben.page.goto(`${room}#moderator=${key.moderatorKey}`);
    await joinFromPrejoin(ben.page, "Ben");
    await waitUntil("Ada to see Ben", () => playingRemoteNames(ada.page), (n) => n.length === 1, 20_000);
    await openPanelFromMore(ada.page, "Devices");
    await ada.page.getByRole("region", { name: "Devices" }).getByRole("combobox", { name: "Language" }).selectOption("de");
    await ada.page.getByRole("button", { name: "Besprechung verlassen" }).waitFor();
    await waitUntil("Ada, now in German, to see Ben", () => playingRemoteNames(ada.page), (n) => n.length === 1, 20_000);
    await waitUntil("Ben to see Ada again", () => playingRemoteNames(ben.page), (n) => n.length === 1, 20_000);
    await ada.context.close();
    await ben.context.close();
  });
});
