/**
 * What a browser keeps of moderator keys (docs/security.md, docs/privacy.md):
 * a key stays on the device only while it is good for something. It goes
 * when it expires (at the next load of any Treff page), when the meeting
 * ends, and when a moderator takes the rights away; a promoted moderator
 * gets a key of their own, never the creator's.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinMeeting, newParticipant, openPanelFromMore } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** The moderator keys this page's origin keeps, by room. */
function keptKeys(page: Page): Promise<Record<string, string>> {
  return page.evaluate(() =>
    Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith("treff.moderator.")).map((k) => [k.slice("treff.moderator.".length), localStorage.getItem(k)!])),
  );
}

/** A key-shaped value whose payload says it expired (or expires) at `e` (Unix seconds). */
const keyExpiringAt = (room: string, e: number) => `m1.${Buffer.from(JSON.stringify({ r: room, g: "o", i: "x", e })).toString("base64url")}.sig`;

describe("moderator keys in the browser", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: true } } });

  test("an expired key leaves the device at the next load of any Treff page; one still valid stays", async () => {
    const visitor = await newParticipant(suite.browser);
    await visitor.page.goto(suite.server.url);
    const now = Math.floor(Date.now() / 1000);
    await visitor.page.evaluate(
      ([old, fresh]) => {
        localStorage.setItem("treff.moderator.last-month", old!);
        localStorage.setItem("treff.moderator.next-week", fresh!);
        localStorage.setItem("treff.moderator.old-format", "A".repeat(43));
      },
      [keyExpiringAt("last-month", now - 60), keyExpiringAt("next-week", now + 7 * 86400)],
    );
    await visitor.page.reload();
    await visitor.page.getByRole("button", { name: "New meeting" }).waitFor();
    assert.deepEqual(Object.keys(await keptKeys(visitor.page)), ["next-week"]);
    await visitor.context.close();
  });

  test("the creator keeps their key while the meeting runs; a promoted guest gets one of their own, which goes when the rights are taken away; ending the meeting deletes the creator's", async () => {
    const meeting = await createMeeting(suite.server, "keys");
    const host = await joinMeeting(suite.browser, `${suite.server.url}/r/${meeting.room}#moderator=${meeting.moderatorKey}`, "Hanna Host");
    await waitUntil("the host's key to be kept", () => keptKeys(host.page), (keys) => meeting.room in keys);

    const guest = await joinMeeting(suite.browser, `${suite.server.url}/r/${meeting.room}`, "Gustav Guest");
    await host.page.getByRole("group", { name: "Gustav Guest is waiting in the lobby." }).getByRole("button", { name: "Let in" }).click();
    await host.page.getByLabel("Moderate Gustav Guest").waitFor();

    await host.page.getByLabel("Moderate Gustav Guest").click();
    await host.page.getByRole("button", { name: "Make Gustav Guest a moderator" }).click();
    const promoted = await waitUntil("the guest's own key", () => keptKeys(guest.page), (keys) => meeting.room in keys);
    const hostKey = (await keptKeys(host.page))[meeting.room]!;
    assert.notEqual(promoted[meeting.room], hostKey, "a key of their own, not the creator's");
    assert.equal(JSON.parse(Buffer.from(promoted[meeting.room]!.split(".")[1]!, "base64url").toString()).g, "p");

    await host.page.getByLabel("Moderate Gustav Guest").click();
    await host.page.getByRole("button", { name: "Take moderator rights from Gustav Guest" }).click();
    await waitUntil("the guest's key to be forgotten", () => keptKeys(guest.page), (keys) => !(meeting.room in keys));

    await openPanelFromMore(host.page, "Meeting settings");
    await host.page.getByRole("button", { name: "End meeting for all" }).click();
    await host.page.getByRole("heading", { name: "The meeting has ended." }).waitFor();
    assert.deepEqual(await keptKeys(host.page), {}, "the device keeps no list of meetings it moderated");
    await guest.context.close();
    await host.context.close();
  });
});
