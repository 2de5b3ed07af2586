/**
 * The connectivity check page (/check) in real Chromium against the real
 * server and Janus: it says "directly" when the browser reaches Janus, "only
 * through the relay server" when only coturn gets through, and "cannot
 * reach" with advice for the IT department when nothing does. Each result
 * is what a person reads, in English and German.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { newParticipant } from "../helpers/browser.js";
import { startCoturn, type Coturn } from "../helpers/coturn.js";
import { forceRelayOnly } from "../helpers/relay.js";
import { testMediaInterface, type TestServer } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** Two probes of at most 10 s each, plus gathering. */
const RESULT_TIMEOUT_MS = 40_000;

/** The status text next to a probe's name ("Direct connection", …). */
const statusOf = (page: import("playwright-core").Page, name: string) =>
  page.getByRole("listitem").filter({ hasText: name }).locator(".check-status").textContent();

async function probesLeftNothing(server: TestServer): Promise<void> {
  await waitUntil("every probe's Janus session to be gone", async () => server.janus.connection?.sessions.size ?? -1, (n) => n === 0, 5_000);
}

describe("connectivity check without TURN", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { janus: { iceInterfaces: testMediaInterface() } } });

  test("reports that the browser reaches the media server directly", async () => {
    const p = await newParticipant(suite.browser);
    await p.page.goto(`${suite.server.url}/check`);
    await p.page.getByRole("heading", { level: 1, name: "Connectivity check" }).waitFor();
    await p.page.getByRole("status").getByText("Your browser reaches the media server directly.").waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.equal(await statusOf(p.page, "Direct connection"), "Works");
    assert.equal(await statusOf(p.page, "Through the relay server (TURN)"), "Not set up on this server");
    await p.page.getByRole("button", { name: "Check again" }).waitFor();
    assert.ok(await p.page.getByRole("button", { name: "Check again" }).isEnabled());
    await p.page.screenshot({ path: `${SCREENSHOTS}/check-en.png` });
    // Every probe ended its test connection: nothing left at Janus once the check is done.
    await probesLeftNothing(suite.server);
    // No camera or microphone was asked for.
    assert.deepEqual(await p.page.evaluate(() => (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections.map((pc) => pc.getSenders().map((s) => s.track))), [[null]]);
    await p.context.close();
  });

  test("in German, and the language switch keeps the result", async () => {
    const p = await newParticipant(suite.browser, { locale: "de-DE" });
    await p.page.goto(`${suite.server.url}/check`);
    await p.page.getByRole("heading", { level: 1, name: "Verbindungstest" }).waitFor();
    assert.equal(await p.page.evaluate(() => document.documentElement.lang), "de");
    await p.page.getByRole("status").getByText("Ihr Browser erreicht den Medienserver direkt.").waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.equal(await statusOf(p.page, "Direkte Verbindung"), "Funktioniert");
    await p.page.getByRole("button", { name: "Erneut prüfen" }).waitFor();
    await p.page.screenshot({ path: `${SCREENSHOTS}/check-de.png` });
    await p.page.getByRole("combobox", { name: "Sprache" }).selectOption("en");
    await p.page.getByRole("heading", { level: 1, name: "Connectivity check" }).waitFor();
    await p.page.getByRole("status").getByText("Your browser reaches the media server directly.").waitFor();
    assert.equal(await p.page.evaluate(() => (window as unknown as { __treffPeerConnections: unknown[] }).__treffPeerConnections.length), 1, "switching the language did not check again");
    await p.context.close();
  });

  test("when nothing gets through, it says so and what to ask the IT department for", async () => {
    const p = await newParticipant(suite.browser);
    await forceRelayOnly(p.context); // relay-only, and this server has no relay: nothing can connect
    await p.page.goto(`${suite.server.url}/check`);
    await p.page.getByRole("status").getByText("Your browser cannot reach the media server.").waitFor({ timeout: RESULT_TIMEOUT_MS });
    const advice = await p.page.getByRole("status").locator(".advice").textContent();
    assert.match(advice ?? "", /^Ask your IT department to allow connections from your computer to 127\.0\.0\.1: UDP ports 1024 to 65535, or at least TCP port 443\.$/);
    assert.equal(await statusOf(p.page, "Direct connection"), "Does not work");
    await p.page.screenshot({ path: `${SCREENSHOTS}/check-none-en.png` });
    await probesLeftNothing(suite.server);
    await p.context.close();
  });
});

describe("connectivity check with TURN (a real coturn)", () => {
  let coturn: Coturn;
  before(async () => {
    coturn = await startCoturn();
  });
  // Between coturn's hooks: the server starts after coturn (it needs its secret) and stops before it.
  const suite = useServerAndBrowser(() => ({
    logLevel: "warn",
    config: { janus: { iceInterfaces: testMediaInterface() }, turn: { secret: coturn.secret, urls: coturn.urls } },
  }));
  after(async () => {
    await coturn?.stop();
  });

  test("a browser that only gets through the relay is told so", async () => {
    const p = await newParticipant(suite.browser);
    await forceRelayOnly(p.context); // the "direct" probe too: as behind a firewall that lets only TURN through
    await p.page.goto(`${suite.server.url}/check`);
    await p.page
      .getByRole("status")
      .getByText("Your browser reaches the media server only through the relay server (TURN). Meetings work, slightly slower.")
      .waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.equal(await statusOf(p.page, "Direct connection"), "Does not work");
    assert.equal(await statusOf(p.page, "Through the relay server (TURN)"), "Works");
    await p.page.screenshot({ path: `${SCREENSHOTS}/check-relay-en.png` });
    await probesLeftNothing(suite.server);
    await p.context.close();
  });

  test("a browser that gets through directly is told so, and the relay is checked too", async () => {
    const p = await newParticipant(suite.browser);
    await p.page.goto(`${suite.server.url}/check`);
    await p.page.getByRole("status").getByText("Your browser reaches the media server directly.").waitFor({ timeout: RESULT_TIMEOUT_MS });
    assert.equal(await statusOf(p.page, "Through the relay server (TURN)"), "Works");
    await p.context.close();
  });
});
