/**
 * No third-party requests: two people (separate browser contexts) go
 * through the home page, the privacy page in both languages, the
 * connectivity check, pre-join, join, a meeting with media, and leave. Every request and WebSocket of
 * every page is recorded and must go to the Treff server's own origin; no
 * page may reference another origin in its markup or resource timing, call
 * navigator.sendBeacon, or give WebRTC a STUN/TURN server.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { joinFromPrejoin, newParticipant, playingRemoteNames } from "../helpers/browser.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
  /** Every URL requested in this context, by any page, and every WebSocket opened. */
  urls: string[];
  /** What the pages referenced or loaded, read at each step: [step, url]. */
  referenced: [string, string][];
}

/** Test instrumentation: counts navigator.sendBeacon calls (and lets none through). */
function trapBeacons(): void {
  const w = window as unknown as { __beacons: string[] };
  w.__beacons = [];
  navigator.sendBeacon = (url: string | URL) => {
    w.__beacons.push(String(url));
    return false;
  };
}

/** Every URL the page's markup points to, and every resource it loaded, as absolute URLs. */
function pageReferences(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const urls: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>("[src], [href], [srcset], [poster], [action], [data]")) {
      for (const attribute of ["src", "href", "poster", "action", "data"]) {
        const value = el.getAttribute(attribute);
        if (value !== null && value !== "") urls.push(new URL(value, document.baseURI).href);
      }
      const srcset = el.getAttribute("srcset");
      if (srcset) for (const part of srcset.split(",")) urls.push(new URL(part.trim().split(/\s+/)[0]!, document.baseURI).href);
    }
    for (const entry of performance.getEntriesByType("resource")) urls.push(entry.name);
    for (const entry of performance.getEntriesByType("navigation")) urls.push(entry.name);
    return urls;
  });
}

describe("no request leaves the Treff server's origin", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let origin: URL;
  const people: Person[] = [];

  /** Whether a URL stays on this machine's Treff: same host and port, http or ws; data: and blob: are local. */
  const isOwn = (url: string) => {
    const u = new URL(url);
    if (u.protocol === "data:" || u.protocol === "blob:") return true;
    return u.host === origin.host && (u.protocol === "http:" || u.protocol === "ws:");
  };

  async function step(person: Person, label: string): Promise<void> {
    for (const url of await pageReferences(person.page)) person.referenced.push([`${person.name}: ${label}`, url]);
  }

  before(async () => {
    origin = new URL(suite.server.url);
    for (const [name, locale] of [
      ["Alice", "en-US"],
      ["Bernd", "de-DE"],
    ] as const) {
      const participant = await newParticipant(suite.browser, { locale });
      await participant.context.addInitScript(trapBeacons);
      const person: Person = { name, context: participant.context, page: participant.page, urls: [], referenced: [] };
      participant.context.on("request", (request) => person.urls.push(request.url()));
      participant.page.on("websocket", (ws) => person.urls.push(ws.url()));
      people.push(person);
    }
  });

  test("home page, privacy page, connectivity check, pre-join, join, meeting, leave", async () => {
    const [alice, bernd] = people as [Person, Person];

    await alice.page.goto(suite.server.url);
    await step(alice, "home page");
    await alice.page.goto(`${suite.server.url}/privacy?lang=en`);
    await alice.page.getByRole("heading", { level: 1, name: "Privacy information" }).waitFor();
    await step(alice, "privacy page (en)");
    await alice.page.getByRole("link", { name: "Deutsch" }).click();
    await alice.page.getByRole("heading", { level: 1, name: "Datenschutzhinweise" }).waitFor();
    await step(alice, "privacy page (de)");
    // The connectivity check makes its own test connection to the media server.
    await alice.page.goto(`${suite.server.url}/check`);
    await alice.page.getByRole("button", { name: "Check again" }).waitFor({ timeout: 40_000 });
    await step(alice, "connectivity check");
    await alice.page.goto(suite.server.url);
    await alice.page.getByRole("button", { name: "New meeting" }).click();
    await alice.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    await alice.page.getByRole("textbox", { name: "Name" }).waitFor();
    await step(alice, "pre-join");
    const roomUrl = alice.page.url();
    await joinFromPrejoin(alice.page, "Alice");

    await bernd.page.goto(`${suite.server.url}/privacy`);
    await bernd.page.getByRole("heading", { level: 1, name: "Datenschutzhinweise" }).waitFor();
    await step(bernd, "privacy page (Accept-Language de)");
    await bernd.page.goto(roomUrl);
    await bernd.page.getByRole("textbox", { name: "Name" }).waitFor();
    await step(bernd, "pre-join");
    await joinFromPrejoin(bernd.page, "Bernd", "Beitreten");

    await waitUntil("Alice to see Bernd's video", () => playingRemoteNames(alice.page), (names) => names.includes("Bernd"), 20_000);
    await waitUntil("Bernd to see Alice's video", () => playingRemoteNames(bernd.page), (names) => names.includes("Alice"), 20_000);
    await step(alice, "meeting");
    await step(bernd, "meeting");

    await alice.page.getByRole("button", { name: "Leave meeting" }).click();
    await alice.page.getByRole("heading", { name: "You left the meeting" }).waitFor();
    await bernd.page.getByRole("button", { name: "Besprechung verlassen" }).click();
    await bernd.page.getByRole("heading", { name: "Sie haben die Besprechung verlassen" }).waitFor();
    await step(alice, "left");
    await step(bernd, "left");
    await waitUntil("the room to close", async () => suite.server.registry.size, (n) => n === 0, 10_000);
  });

  test("every request and WebSocket went to Treff's own origin", (t) => {
    for (const person of people) {
      const distinct = [...new Set(person.urls.map((u) => (isOwn(u) ? `${new URL(u).protocol}${new URL(u).pathname}` : u)))];
      t.diagnostic(`${person.name}: ${person.urls.length} requests: ${distinct.join(" ")}`);
      assert.ok(person.urls.length > 0, `${person.name}: requests were recorded`);
      assert.ok(person.urls.some((u) => u.startsWith("ws:")), `${person.name}: the signaling WebSocket was recorded`);
      const foreign = person.urls.filter((u) => !isOwn(u));
      assert.deepEqual(foreign, [], `${person.name}: requests to another origin`);
    }
  });

  test("no page referenced or loaded anything from another origin", () => {
    for (const person of people) {
      assert.ok(person.referenced.some(([, u]) => u.endsWith("/app.css")), `${person.name}: references were read`);
      const foreign = person.referenced.filter(([, u]) => !isOwn(u)).map(([where, u]) => `${where}: ${u}`);
      assert.deepEqual(foreign, [], `${person.name}: references to another origin`);
    }
  });

  test("navigator.sendBeacon was never called", async () => {
    for (const person of people) {
      const beacons = await person.page.evaluate(() => (window as unknown as { __beacons: string[] }).__beacons);
      assert.deepEqual(beacons, [], person.name);
    }
  });

  test("WebRTC was given no STUN or TURN server", async () => {
    // The test helper keeps every RTCPeerConnection the page made (a reload would have reset the list).
    for (const person of people) {
      const servers = await person.page.evaluate(() => {
        const list = (window as unknown as { __treffPeerConnections?: RTCPeerConnection[] }).__treffPeerConnections ?? [];
        return { count: list.length, iceServers: list.flatMap((pc) => pc.getConfiguration().iceServers ?? []) };
      });
      assert.ok(servers.count >= 2, `${person.name}: publisher and subscriber peer connections were made`);
      assert.deepEqual(servers.iceServers, [], person.name);
    }
  });

  test("the contexts close cleanly", async () => {
    for (const person of people) await person.context.close();
  });
});
