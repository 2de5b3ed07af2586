/**
 * Display names are text, never markup: three participants whose names are
 * HTML and script payloads meet (lobby off, so the test does not depend on
 * admission). Every page must show each name literally, run none of it,
 * open no dialog, and never create an element from it, not even briefly
 * (a MutationObserver installed before the app's script watches the whole
 * document from the start).
 *
 * The CSP (no 'unsafe-inline') would block an injected handler anyway, so
 * `window.__xss` alone could not tell a safe page from a lucky one: the
 * observer and the CSP violation report (which also sees markup parsed into
 * a detached element) are what catch a name treated as HTML.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { joinFromPrejoin, newParticipant, type ParticipantPage } from "../helpers/browser.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { sameMembers, waitUntil } from "../helpers/wait.js";

const PAYLOADS = [`<img src=x onerror="window.__xss=1">`, `<script>window.__xss=2</script>`, `"><svg onload=window.__xss=3>`];

/**
 * Test instrumentation, in every page before the app runs: remembers every
 * element that was ever added with an event-handler attribute or with
 * `__xss` in an attribute other than the accessible label, counts dialogs
 * (alert, confirm, prompt) and records CSP violations.
 */
function watchForMarkup(): void {
  const w = window as unknown as { __suspicious: string[]; __dialogs: number; __violations: string[] };
  w.__suspicious = [];
  w.__dialogs = 0;
  w.__violations = [];
  document.addEventListener("securitypolicyviolation", (event) => w.__violations.push(`${event.violatedDirective} ${event.sample}`));
  for (const name of ["alert", "confirm", "prompt"] as const) {
    const original = window[name].bind(window) as (...args: unknown[]) => unknown;
    (window as unknown as Record<string, unknown>)[name] = (...args: unknown[]) => {
      w.__dialogs++;
      return original(...args);
    };
  }
  const check = (node: Node) => {
    if (!(node instanceof Element)) return;
    for (const element of [node, ...node.querySelectorAll("*")]) {
      const bad = [...element.attributes].some(
        (a) => /^on/i.test(a.name) || (a.value.includes("__xss") && a.name !== "aria-label") || (a.name === "src" && a.value === "x"),
      );
      if (bad) w.__suspicious.push(element.outerHTML.slice(0, 200));
    }
  };
  new MutationObserver((records) => {
    for (const record of records) {
      record.addedNodes.forEach(check);
      if (record.type === "attributes" && record.target instanceof Element) check(record.target);
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });
}

describe("display names that look like HTML stay text", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  const people: ParticipantPage[] = [];
  const dialogs: string[] = [];
  let roomUrl: string;

  before(async () => {
    roomUrl = `${suite.server.url}/r/inert-${Date.now().toString(36)}`;
  });

  test("three participants with payload names join", async () => {
    for (const name of PAYLOADS) {
      const p = await newParticipant(suite.browser);
      await p.context.addInitScript(watchForMarkup);
      p.page.on("dialog", (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      people.push(p);
      await p.page.goto(roomUrl);
      await joinFromPrejoin(p.page, name);
    }
    for (const [i, p] of people.entries()) {
      const others = PAYLOADS.filter((_, j) => j !== i);
      await waitUntil(
        `participant ${i + 1} to see both other names`,
        () => p.page.locator("figure.tile:not([data-self]) .name").allTextContents(),
        (names) => sameMembers(names, others),
      );
    }
    // Give anything that might have been parsed (an <img> error, an <svg> load) time to fire.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  });

  test("each name appears literally on its tile, and as the tile's accessible name", async () => {
    for (const [i, p] of people.entries()) {
      const names = await p.page.locator("figure.tile .name").allTextContents();
      assert.ok(names.includes(`${PAYLOADS[i]} (you)`), `own tile shows ${PAYLOADS[i]} (you): ${JSON.stringify(names)}`);
      for (const [j, name] of PAYLOADS.entries()) {
        if (j === i) continue;
        assert.ok(names.includes(name), `participant ${i + 1} shows ${name} as text: ${JSON.stringify(names)}`);
        assert.equal(await p.page.getByRole("figure", { name, exact: true }).count(), 1, `a figure named ${name}`);
      }
    }
  });

  test("no payload ran: window.__xss is unset and no dialog opened", async () => {
    for (const [i, p] of people.entries()) {
      assert.equal(await p.page.evaluate(() => typeof (window as unknown as { __xss?: unknown }).__xss), "undefined", `page ${i + 1}`);
      assert.equal(await p.page.evaluate(() => (window as unknown as { __dialogs: number }).__dialogs), 0, `page ${i + 1}: no alert/confirm/prompt`);
    }
    assert.deepEqual(dialogs, []);
  });

  test("no element was ever created from a name, and the CSP never had to block anything", async () => {
    for (const [i, p] of people.entries()) {
      const violations = await p.page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
      assert.deepEqual(violations, [], `page ${i + 1}: CSP violations`);
      const suspicious = await p.page.evaluate(() => (window as unknown as { __suspicious: string[] }).__suspicious);
      assert.deepEqual(suspicious, [], `page ${i + 1}: elements made from a name`);
      // And none is there now: no <img>, <script> or <svg> whose attributes carry a payload, anywhere.
      const now = await p.page.evaluate(() =>
        [...document.querySelectorAll("img, script, svg, iframe, object, embed")]
          .filter((el) => [...el.attributes].some((a) => a.value.includes("__xss") || /^on/i.test(a.name) || (a.name === "src" && a.value === "x")))
          .map((el) => el.outerHTML.slice(0, 200)),
      );
      assert.deepEqual(now, [], `page ${i + 1}`);
      const tileImages = await p.page.locator("figure.tile img, figure.tile script").count();
      assert.equal(tileImages, 0, `page ${i + 1}: no <img> or <script> inside a tile`);
    }
  });

  test("everyone leaves; the room closes", async () => {
    for (const p of people) await p.page.getByRole("button", { name: "Leave meeting" }).click();
    await waitUntil("the room to close", async () => suite.server.registry.size, (n) => n === 0, 10_000);
    for (const p of people) await p.context.close();
  });
});
