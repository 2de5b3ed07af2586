/**
 * An automated accessibility check (axe-core, run inside the page) of the
 * home page, the pre-join screen and a meeting with its side panels, the
 * More menu and the reactions, in English and German: no serious or
 * critical violation. On a phone: the bar is one row at most 80 pixels
 * high, the other person of a meeting of two has the screen and one's own
 * picture is small. Also screenshots at phone size, to look at.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinFromPrejoin, newParticipant, openPanelFromMore, playingRemoteNames } from "../helpers/browser.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { seriousViolations } from "../helpers/axe.js";
import { waitUntil } from "../helpers/wait.js";

describe("accessibility", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  for (const locale of ["en-US", "de-DE"]) {
    const join = locale === "de-DE" ? "Beitreten" : "Join";
    test(`home, pre-join and meeting have no serious violations (${locale})`, async () => {
      const p = await newParticipant(suite.browser, { locale });
      await p.page.goto(suite.server.url);
      assert.deepEqual(await seriousViolations(p.page), [], "home page");
      await p.page.goto(`${suite.server.url}/r/a11y-${locale}`);
      await p.page.getByRole("textbox", { name: "Name" }).waitFor();
      assert.deepEqual(await seriousViolations(p.page), [], "pre-join");
      await joinFromPrejoin(p.page, "Ida", join);
      await p.page.getByRole("toolbar").waitFor();
      assert.deepEqual(await seriousViolations(p.page), [], "meeting");
      for (const panel of ["Chat", locale === "de-DE" ? "Teilnehmende (1)" : "People (1)"]) {
        await p.page.getByRole("button", { name: panel, exact: true }).click();
        assert.deepEqual(await seriousViolations(p.page), [], `meeting with ${panel}`);
        await p.page.getByRole("button", { name: panel, exact: true }).click();
      }
      await p.page.keyboard.press("?");
      await p.page.getByRole("dialog").waitFor();
      assert.deepEqual(await seriousViolations(p.page), [], "keyboard shortcuts dialog");
      await p.page.keyboard.press("Escape");
      const [more, reactions, devices] = locale === "de-DE" ? ["Mehr", "Reaktionen", "Geräte"] : ["More", "Reactions", "Devices"];
      for (const popover of [more, reactions]) {
        await p.page.getByRole("button", { name: popover, exact: true }).click();
        await p.page.getByRole("dialog", { name: popover }).waitFor();
        assert.deepEqual(await seriousViolations(p.page), [], `the ${popover} popover`);
        await p.page.keyboard.press("Escape");
        await p.page.getByRole("dialog", { name: popover }).waitFor({ state: "hidden" });
      }
      await openPanelFromMore(p.page, devices);
      assert.deepEqual(await seriousViolations(p.page), [], "meeting with the devices panel");
      await p.context.close();
    });
  }

  test("on a phone, the pre-join screen and a meeting of two fit the screen; the bar is one row, at most 80 pixels high", async () => {
    const phone = { width: 390, height: 844 };
    const a = await newParticipant(suite.browser, { viewport: phone });
    const b = await newParticipant(suite.browser, { viewport: phone, locale: "de-DE" });
    const room = `${suite.server.url}/r/phone-${Date.now().toString(36)}`;
    await a.page.goto(room);
    await a.page.getByRole("textbox", { name: "Name" }).waitFor();
    await a.page.screenshot({ path: `${SCREENSHOTS}/prejoin-phone-en.png` });
    await joinFromPrejoin(a.page, "Ada");
    await b.page.goto(room);
    await joinFromPrejoin(b.page, "Ben", "Beitreten");
    await waitUntil("Ada to see Ben on the phone", () => playingRemoteNames(a.page), (n) => n.length === 1, 20_000);
    await waitUntil("Ben to see Ada on the phone", () => playingRemoteNames(b.page), (n) => n.length === 1, 20_000);
    for (const [p, you, other] of [[a, "Ada (you)", "Ben"], [b, "Ben (Sie)", "Ada"]] as const) {
      // Nothing sticks out sideways.
      assert.ok(await p.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
      const bar = (await p.page.getByRole("toolbar").boundingBox())!;
      console.log(`the bar on a 390×844 phone (${you}): ${bar.height} px high`);
      assert.ok(bar.height <= 80, `the bar is ${bar.height} px high`);
      const tops = await p.page.getByRole("toolbar").getByRole("button").evaluateAll((buttons) => buttons.map((button) => Math.round(button.getBoundingClientRect().top)));
      assert.ok(Math.max(...tops) - Math.min(...tops) < 10, `one row of buttons: ${tops.join(", ")}`);
      // The other person has the screen; one's own picture is small.
      const own = (await p.page.getByRole("figure", { name: you }).boundingBox())!;
      const theirs = (await p.page.getByRole("figure", { name: other, exact: true }).boundingBox())!;
      assert.ok(own.width * own.height * 6 < theirs.width * theirs.height, `own picture ${own.width}×${own.height}, theirs ${theirs.width}×${theirs.height}`);
    }
    await a.page.screenshot({ path: `${SCREENSHOTS}/meeting-phone-en.png` });
    await b.page.screenshot({ path: `${SCREENSHOTS}/meeting-phone-de.png` });
    await a.context.close();
    await b.context.close();
  });
});
