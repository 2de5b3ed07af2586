/**
 * Polls in real Chromium against the real server and Janus (issue 13): a
 * moderator starts a named poll whose counts show live and an anonymous one
 * whose counts show when it is closed; three people answer (one of them in
 * German); everyone sees the counts; the moderator sees who chose what only
 * for the named poll and downloads the CSV (no names for the anonymous one).
 * With end-to-end encryption on, the server relays `content` it cannot read:
 * the question never appears in what the pages send. Then the same with
 * end-to-end encryption switched off on the server.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import type { Browser } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, type ParticipantOptions, type ParticipantPage } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { recordSignaling } from "../helpers/e2ee.js";
import { seriousViolations } from "../helpers/axe.js";

const NO_DEVICES = { devices: { microphone: false, camera: false } };

interface Words {
  polls: string;
  send: string;
  toast: RegExp;
}
const EN: Words = { polls: "Polls", send: "Send answer", toast: /^New poll/ };
const DE: Words = { polls: "Umfragen", send: "Antwort senden", toast: /^Neue Umfrage/ };

/** Joins without devices, with every signaling frame of the page recorded from the start. */
async function joinRecorded(browser: Browser, url: string, name: string, options: ParticipantOptions = {}): Promise<{ p: ParticipantPage; frames: string[] }> {
  const p = await newParticipant(browser, options);
  const frames = recordSignaling(p.page);
  await p.page.goto(url);
  await joinFromPrejoin(p.page, name, options.locale === "de-DE" ? "Beitreten" : "Join", NO_DEVICES.devices);
  return { p, frames };
}

async function startPoll(page: Page, question: string, options: string[], settings: { anonymous?: boolean; whenClosed?: boolean; multiple?: boolean } = {}): Promise<void> {
  await openPanelFromMore(page, "Polls");
  const panel = page.getByRole("region", { name: "Polls" });
  await panel.getByRole("textbox", { name: "Question" }).fill(question);
  for (const [i, option] of options.entries()) {
    if (i >= 2) await panel.getByRole("button", { name: "Add an option" }).click();
    await panel.getByRole("textbox", { name: `Option ${i + 1}` }).fill(option);
  }
  if (settings.multiple) await panel.getByRole("checkbox", { name: "Several answers allowed" }).check();
  if (settings.anonymous) await panel.getByRole("checkbox", { name: /^Anonymous/ }).check();
  if (settings.whenClosed) await panel.getByRole("radio", { name: "when the poll is closed" }).check();
  await panel.getByRole("button", { name: "Start poll" }).click();
  await panel.getByRole("article", { name: question }).waitFor();
}

/** A participant answers `question` with `option`, from the notice or the panel, in their language. */
async function answer(page: Page, words: Words, question: string, option: string): Promise<void> {
  await openPanelFromMore(page, words.polls);
  const poll = page.getByRole("region", { name: words.polls }).getByRole("article", { name: question });
  await poll.getByRole("radio", { name: option, exact: true }).check();
  await poll.getByRole("button", { name: words.send }).click();
  await poll.getByRole("status").waitFor();
}

/** The count line of `option` in the results of `question` (e.g. "2 (67 %)"). */
function countOf(page: Page, region: string, question: string, option: string) {
  return page
    .getByRole("region", { name: region })
    .getByRole("article", { name: question })
    .getByRole("listitem")
    .filter({ has: page.getByText(option, { exact: true }) })
    .locator(".poll-count");
}

async function downloadCsv(page: Page, question: string): Promise<string> {
  const poll = page.getByRole("region", { name: "Polls" }).getByRole("article", { name: question });
  const [download] = await Promise.all([page.waitForEvent("download"), poll.getByRole("button", { name: "Download results (CSV)" }).click()]);
  return readFile((await download.path())!, "utf8");
}

describe("polls with end-to-end encryption", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let host: ParticipantPage;
  let people: { p: ParticipantPage; words: Words; name: string }[];

  test("three people answer a named live poll; everyone sees the counts, only the moderator the names", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "polls");
    const first = await joinRecorded(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, "Hana Host", { viewport: { width: 1280, height: 720 } });
    host = first.p;
    await host.page.getByRole("toolbar").waitFor();
    people = [];
    const recorded = [first.frames];
    for (const [name, locale, words] of [["Ann Ahl", "en-US", EN], ["Bert Berg", "de-DE", DE], ["Cleo Cruz", "en-US", EN]] as const) {
      const { p, frames } = await joinRecorded(suite.browser, `${suite.server.url}/r/${room}`, name, { locale });
      recorded.push(frames);
      people.push({ p, words, name });
    }
    await host.page.getByRole("region", { name: "Participants' videos" }).getByRole("figure").nth(3).waitFor();

    await startPoll(host.page, "Where do we meet next?", ["Berlin", "Hamburg", "Köln"]);
    // Each person is told by a notice.
    for (const { p, words } of people) await p.page.getByRole("group", { name: words.toast }).waitFor();
    await answer(people[0]!.p.page, EN, "Where do we meet next?", "Hamburg");
    await answer(people[1]!.p.page, DE, "Where do we meet next?", "Hamburg");
    await answer(people[2]!.p.page, EN, "Where do we meet next?", "Köln");

    await countOf(host.page, "Polls", "Where do we meet next?", "Hamburg").filter({ hasText: "2 (67 %)" }).waitFor();
    await countOf(people[2]!.p.page, "Polls", "Where do we meet next?", "Hamburg").filter({ hasText: "2 (67 %)" }).waitFor();
    await countOf(people[1]!.p.page, "Umfragen", "Where do we meet next?", "Köln").filter({ hasText: "1 (33 %)" }).waitFor();
    const named = host.page.getByRole("region", { name: "Polls" }).getByRole("article", { name: "Where do we meet next?" }).getByText("Who answered what");
    await named.click();
    await host.page.getByText("Bert Berg: Hamburg").waitFor();
    assert.equal(await people[0]!.p.page.getByText("Who answered what", { exact: true }).count(), 0, "participants see no names");
    await host.page.screenshot({ path: `${SCREENSHOTS}/polls-moderator-desktop-en.png` });
    assert.deepEqual(await seriousViolations(host.page), [], "polls panel with results (moderator)");
    assert.deepEqual(await seriousViolations(people[1]!.p.page), [], "polls panel with results (participant, German)");
    await people[1]!.p.page.screenshot({ path: `${SCREENSHOTS}/polls-participant-de.png` });

    const csv = await downloadCsv(host.page, "Where do we meet next?");
    assert.ok(csv.startsWith("\uFEFF"), "a BOM for spreadsheet programs");
    assert.match(csv, /Hamburg,2\r\n/);
    assert.match(csv, /Bert Berg,Hamburg\r\n/);

    // The question, the options and the names went out sealed: none of them in any page's signaling.
    const all = recorded.flat().join("\n");
    for (const secret of ["Where do we meet", "Hamburg", "Köln"]) assert.ok(!all.includes(secret), `${secret} never travels in the clear`);
    assert.ok(all.includes('"type":"content"'), "the poll went over the content channel");
  });

  test("an anonymous poll shown when closed: no names anywhere, counts for everyone after the close", async () => {
    await startPoll(host.page, "Was the pace right?", ["Too fast", "Right", "Too slow"], { anonymous: true, whenClosed: true });
    await answer(people[0]!.p.page, EN, "Was the pace right?", "Right");
    await answer(people[1]!.p.page, DE, "Was the pace right?", "Too fast");
    await answer(people[2]!.p.page, EN, "Was the pace right?", "Right");
    const hostPoll = host.page.getByRole("region", { name: "Polls" }).getByRole("article", { name: "Was the pace right?" });
    await hostPoll.getByText("3 answered").waitFor();
    assert.equal(await hostPoll.getByText("Who answered what", { exact: true }).count(), 0, "the moderator's page shows no names");
    await people[0]!.p.page.getByRole("region", { name: "Polls" }).getByRole("article", { name: "Was the pace right?" }).getByText("Results are shown when the poll is closed.").waitFor();

    await hostPoll.getByRole("button", { name: "Close poll" }).click();
    await countOf(people[0]!.p.page, "Polls", "Was the pace right?", "Right").filter({ hasText: "2 (67 %)" }).waitFor();
    await countOf(people[1]!.p.page, "Umfragen", "Was the pace right?", "Too fast").filter({ hasText: "1 (33 %)" }).waitFor();
    const csv = await downloadCsv(host.page, "Was the pace right?");
    assert.match(csv, /Right,2\r\n/);
    for (const { name } of people) assert.ok(!csv.includes(name), "no names in an anonymous poll's CSV");
    await host.page.setViewportSize({ width: 390, height: 844 });
    await host.page.screenshot({ path: `${SCREENSHOTS}/polls-moderator-phone-en.png` });

    // Someone who comes later gets both polls from the moderator's page (sealed, so it waits for her key).
    const room = new URL(host.page.url()).pathname;
    const { p: late } = await joinRecorded(suite.browser, `${suite.server.url}${room}`, "Lou Late");
    await openPanelFromMore(late.page, "Polls");
    await countOf(late.page, "Polls", "Was the pace right?", "Right").filter({ hasText: "2 (67 %)" }).waitFor();
    await late.page.getByRole("region", { name: "Polls" }).getByRole("article", { name: "Where do we meet next?" }).getByRole("radio", { name: "Berlin" }).waitFor();
    await people[1]!.p.page.setViewportSize({ width: 390, height: 844 });
    await people[1]!.p.page.screenshot({ path: `${SCREENSHOTS}/polls-participant-phone-de.png` });
  });
});

describe("polls without end-to-end encryption", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false, e2ee: false } } });

  test("a named poll works the same, sent plain", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "polls-plain");
    const host = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, "Hana Host", NO_DEVICES);
    const bert = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Bert Berg", { ...NO_DEVICES, locale: "de-DE", joinLabel: "Beitreten" });
    await host.page.getByRole("region", { name: "Participants' videos" }).getByRole("figure").nth(1).waitFor();
    await startPoll(host.page, "Coffee or tea?", ["Coffee", "Tea"]);
    await answer(bert.page, DE, "Coffee or tea?", "Tea");
    await countOf(host.page, "Polls", "Coffee or tea?", "Tea").filter({ hasText: "1 (100 %)" }).waitFor();
    await countOf(bert.page, "Umfragen", "Coffee or tea?", "Tea").filter({ hasText: "1 (100 %)" }).waitFor();
  });
});
