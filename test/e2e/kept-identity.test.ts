/**
 * The end-to-end identity keys a tab keeps in IndexedDB (src/client/e2ee/kept-identity.ts)
 * are deleted on schedule, as docs/privacy.md says: a day after a tab that was
 * closed without leaving was last open, on the load of any Treff page and every
 * hour while one stays open; and a device that never kept one gets no database.
 * The kept entries are made here the way the client files them, with their
 * time set back; Playwright's clock moves an open page's time forward.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { newParticipant } from "../helpers/browser.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

const HOUR = 60 * 60 * 1000;

/** Files a non-extractable key pair under each slot id, made `ageMs` ago by the page's clock. */
async function keep(page: Page, entries: Record<string, number>): Promise<void> {
  await page.evaluate(async (entries) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const opening = indexedDB.open("treff", 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore("identities");
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    for (const [slot, ageMs] of Object.entries(entries)) {
      const pair = await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, ["deriveBits"]);
      await new Promise<void>((resolve, reject) => {
        const transaction = db.transaction("identities", "readwrite");
        transaction.objectStore("identities").put({ pair, at: Date.now() - ageMs }, slot);
        transaction.oncomplete = () => resolve();
        transaction.onerror = () => reject(transaction.error);
      });
    }
    db.close();
  }, entries);
}

/**
 * The slot ids kept, or null when there is no database. The open request
 * queues behind any the page made before (IndexedDB serves them in order), so
 * the answer comes after whatever the page's own purge did when it loaded.
 */
async function keptSlots(page: Page): Promise<string[] | null> {
  return page.evaluate(
    () =>
      new Promise<string[] | null>((resolve, reject) => {
        const opening = indexedDB.open("treff");
        let created = false;
        opening.onupgradeneeded = () => {
          created = true;
          opening.transaction?.abort();
        };
        opening.onerror = () => (created ? resolve(null) : reject(opening.error));
        opening.onsuccess = () => {
          const db = opening.result;
          const request = db.transaction("identities").objectStore("identities").getAllKeys();
          request.onsuccess = () => {
            db.close();
            resolve((request.result as string[]).sort());
          };
          request.onerror = () => reject(request.error);
        };
      }),
  );
}

describe("identity keys kept by closed tabs are deleted on schedule", () => {
  const suite = useServerAndBrowser({ logLevel: "warn" });

  test("opening a Treff page creates no identity database on a device that never kept a key", async () => {
    const { context, page } = await newParticipant(suite.browser);
    try {
      for (const path of ["/", "/check"]) {
        await page.goto(suite.server.url + path);
        assert.equal(await keptSlots(page), null, `${path}: no database`);
      }
    } finally {
      await context.close();
    }
  });

  test("loading any Treff page deletes the keys of tabs closed more than a day ago, and keeps younger ones", async () => {
    const { context, page } = await newParticipant(suite.browser);
    try {
      await page.goto(suite.server.url + "/");
      await keep(page, { "closed-a-day-and-an-hour-ago": 25 * HOUR, "closed-an-hour-ago": HOUR });
      assert.deepEqual(await keptSlots(page), ["closed-a-day-and-an-hour-ago", "closed-an-hour-ago"]);

      // Another tab, another page: the connectivity check.
      const other = await context.newPage();
      await other.goto(suite.server.url + "/check");
      await waitUntil("the day-old key to be deleted", () => keptSlots(other), (slots) => slots?.length === 1);
      assert.deepEqual(await keptSlots(other), ["closed-an-hour-ago"]);
    } finally {
      await context.close();
    }
  });

  test("a page that stays open deletes keys as they turn a day old, but keeps the ones of its own tab", async () => {
    const { context, page } = await newParticipant(suite.browser);
    try {
      await page.clock.install();
      await page.goto(suite.server.url + "/");
      await page.evaluate(() => sessionStorage.setItem("treff.identity.AAAAAAAAAAAAAAAAAAAAAA", "this-tab"));
      await keep(page, { "closed-23-hours-ago": 23 * HOUR, "this-tab": 23 * HOUR });

      await page.clock.runFor(2 * HOUR);
      await waitUntil("the key of the closed tab to be deleted", () => keptSlots(page), (slots) => slots?.length === 1);
      assert.deepEqual(await keptSlots(page), ["this-tab"], "the open tab's own key is still in use");
    } finally {
      await context.close();
    }
  });
});
