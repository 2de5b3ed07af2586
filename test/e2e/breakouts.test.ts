/**
 * Breakout rooms as a teacher and two students live them, in real Chromium
 * against the real server and Janus, with end-to-end encryption on: the
 * moderator sets up two named rooms, assigns at random and then by hand,
 * opens them; the students see and hear only who is in their room (remote
 * video with decoded frames), one asks for help and the moderator goes
 * there, a message reaches every room, and "Close all rooms" brings everyone
 * back after the visible countdown. The names never reach the server in
 * clear. One student uses the German page.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, seesPlaying as seesPlayingNames, type ParticipantPage } from "../helpers/browser.js";
import { inboundAudio, recordSignaling } from "../helpers/e2ee.js";
import { waitUntil } from "../helpers/wait.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { seriousViolations } from "../helpers/axe.js";

const seesPlaying = (p: Page, names: string[], who: string, timeoutMs = 30_000) => seesPlayingNames(p, names, who, timeoutMs);
const ROOM_A = "Alpha team";
const ROOM_B = "Beta team";

describe("breakout rooms (end-to-end encryption on)", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let host: ParticipantPage;
  let ann: ParticipantPage;
  let bob: ParticipantPage;
  let hostFrames: string[];
  const panel = () => host.page.getByRole("region", { name: "Breakout rooms", exact: true });

  test("three people meet in the main room", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "lesson");
    const url = `${suite.server.url}/r/${room}`;
    host = await newParticipant(suite.browser, { viewport: { width: 1280, height: 720 } });
    hostFrames = recordSignaling(host.page);
    await host.page.goto(`${url}#moderator=${moderatorKey}`);
    await joinFromPrejoin(host.page, "Hanna Host");
    ann = await joinMeeting(suite.browser, url, "Ann");
    bob = await joinMeeting(suite.browser, url, "Bob", { locale: "de-DE", joinLabel: "Beitreten" });
    await seesPlaying(host.page, ["Ann", "Bob"], "the host");
    await seesPlaying(ann.page, ["Bob", "Hanna Host"], "Ann");
    await seesPlaying(bob.page, ["Ann", "Hanna Host"], "Bob");
  });

  test("the moderator makes two named rooms and assigns at random, then by hand", async () => {
    await openPanelFromMore(host.page, "Breakout rooms");
    await panel().getByRole("spinbutton", { name: "Number of rooms" }).fill("2");
    await panel().getByRole("button", { name: "Create rooms" }).click();
    await panel().getByRole("textbox", { name: "Name of room 1" }).fill(ROOM_A);
    await panel().getByRole("textbox", { name: "Name of room 2" }).fill(ROOM_B);
    await panel().getByRole("textbox", { name: "Name of room 2" }).press("Tab");
    const annsRoom = panel().getByRole("combobox", { name: "Room for Ann" });
    const bobsRoom = panel().getByRole("combobox", { name: "Room for Bob" });
    await panel().getByRole("button", { name: "Assign at random" }).click();
    // One each: two people over two rooms differ by at most one.
    await host.page.waitForFunction(() => {
      const values = [...document.querySelectorAll<HTMLSelectElement>(".breakout-assign select")].map((s) => s.value);
      return values.length === 2 && values.every(Boolean) && values[0] !== values[1];
    });
    await annsRoom.selectOption({ label: ROOM_A });
    await bobsRoom.selectOption({ label: ROOM_A });
    await host.page.waitForFunction(() => [...document.querySelectorAll<HTMLSelectElement>(".breakout-assign select")].every((s) => s.value === "b1"));
    await panel().getByRole("spinbutton", { name: "Time limit in minutes (optional)" }).fill("20");
    await panel().getByRole("spinbutton", { name: "Time limit in minutes (optional)" }).press("Tab");
    assert.deepEqual(await seriousViolations(host.page), []);
    await host.page.screenshot({ path: `${SCREENSHOTS}/breakouts-panel-en.png` });
    await host.page.setViewportSize({ width: 390, height: 844 });
    await host.page.screenshot({ path: `${SCREENSHOTS}/breakouts-panel-phone-en.png` });
    await host.page.setViewportSize({ width: 1280, height: 720 });
  });

  test("opened: the students see and hear only each other, in their room, with the time left", async () => {
    await panel().getByRole("button", { name: "Open breakout rooms" }).click();
    await ann.page.getByText(`You are in breakout room ${ROOM_A}`).waitFor();
    await bob.page.getByText(`Sie sind im Breakout-Raum ${ROOM_A}`).waitFor();
    await seesPlaying(ann.page, ["Bob"], "Ann in her breakout room");
    await seesPlaying(bob.page, ["Ann"], "Bob in his breakout room");
    await seesPlaying(host.page, [], "the host in the main room");
    // And hear only each other: Ann receives one voice, decrypted (not concealment).
    await waitUntil("Ann to hear exactly one voice", () => inboundAudio(ann.page), (streams) => streams.length === 1 && streams[0]!.energy > 0 && streams[0]!.concealed < 0.5);
    assert.match(await ann.page.getByRole("timer").textContent() ?? "", /^(20:00|19:\d\d) left$/);
    await bob.page.screenshot({ path: `${SCREENSHOTS}/breakouts-student-de.png` });
    assert.deepEqual(await seriousViolations(bob.page), []);
  });

  test("a help request reaches the moderator, who goes there with one click", async () => {
    await ann.page.getByRole("button", { name: "Ask for help" }).click();
    const notice = host.page.locator('[aria-live="polite"]').getByRole("group", { name: `Ann asks for help in ${ROOM_A}.` });
    await notice.getByRole("button", { name: "Go there" }).click();
    await seesPlaying(host.page, ["Ann", "Bob"], "the visiting host");
    await seesPlaying(ann.page, ["Bob", "Hanna Host"], "Ann with the host visiting");
  });

  test("a message to all rooms arrives", async () => {
    await panel().getByRole("textbox", { name: "Message to all rooms" }).fill("Five more minutes!");
    await panel().getByRole("button", { name: "Send to all rooms" }).click();
    await bob.page.getByText("An alle Räume von Hanna Host: Five more minutes!").waitFor();
    await ann.page.getByText("To all rooms from Hanna Host: Five more minutes!").waitFor();
  });

  test("close all: everyone sees the countdown, then is back in the main room", async () => {
    await panel().getByRole("button", { name: "Return to main room" }).click();
    await seesPlaying(ann.page, ["Bob"], "Ann after the host left her room");
    await panel().getByRole("button", { name: "Close all rooms" }).click();
    await ann.page.locator('[aria-live="polite"]').getByText(/^The breakout rooms close\. Everyone returns to the main room in (30|29) seconds\.$/).waitFor();
    await bob.page.getByRole("timer").getByText(/Zurück in den Hauptraum in \d+ s/).waitFor();
    const closedAt = Date.now();
    await seesPlaying(ann.page, ["Bob", "Hanna Host"], "Ann back in the main room", 60_000);
    assert.ok(Date.now() - closedAt >= 25_000, "not before the countdown ended");
    await seesPlaying(host.page, ["Ann", "Bob"], "the host back in the main room");
    await seesPlaying(bob.page, ["Ann", "Hanna Host"], "Bob back in the main room");
    assert.ok(await ann.page.locator(".breakout-bar").isHidden());
  });

  test("the server never saw the rooms' names or the message in clear", () => {
    const all = hostFrames.join("\n");
    assert.ok(all.includes('"type":"content"'), "names and the message went over the content channel");
    for (const secret of [ROOM_A, ROOM_B, "Five more minutes"]) assert.ok(!all.includes(secret), `${secret} in a signaling frame`);
  });
});

describe("breakout rooms (end-to-end encryption off): choosing and returning with one click", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false, e2ee: false } } });

  test("a participant returns to the main room and chooses a room again; the moderator visits; a reload stays in the room", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "workshop");
    const url = `${suite.server.url}/r/${room}`;
    const host = await joinMeeting(suite.browser, `${url}#moderator=${moderatorKey}`, "Hanna Host");
    const ann = await joinMeeting(suite.browser, url, "Ann", { viewport: { width: 390, height: 844 } });
    await seesPlaying(ann.page, ["Hanna Host"], "Ann");
    await openPanelFromMore(host.page, "Breakout rooms");
    const panel = host.page.getByRole("region", { name: "Breakout rooms", exact: true });
    await panel.getByRole("spinbutton", { name: "Number of rooms" }).fill("1");
    await panel.getByRole("button", { name: "Create rooms" }).click();
    await panel.getByRole("textbox", { name: "Name of room 1" }).fill("Quiet corner");
    await panel.getByRole("textbox", { name: "Name of room 1" }).press("Tab");
    await panel.getByRole("combobox", { name: "Room for Ann" }).selectOption({ label: "Quiet corner" });
    await panel.getByRole("checkbox", { name: "Participants may choose their room" }).check();
    await panel.getByRole("button", { name: "Open breakout rooms" }).click();

    await ann.page.getByText("You are in breakout room Quiet corner").waitFor();
    await seesPlaying(ann.page, [], "Ann alone in her room");
    await ann.page.getByRole("button", { name: "Return to main room" }).click();
    await seesPlaying(ann.page, ["Hanna Host"], "Ann back in the main room");
    await openPanelFromMore(ann.page, "Breakout rooms");
    await ann.page.screenshot({ path: `${SCREENSHOTS}/breakouts-choose-phone-en.png` });
    await ann.page.getByRole("button", { name: "Go to Quiet corner" }).click();
    await ann.page.getByText("You are in breakout room Quiet corner").waitFor();
    await seesPlaying(ann.page, [], "Ann in the room she chose");

    await panel.getByRole("button", { name: "Go to Quiet corner" }).click();
    await seesPlaying(host.page, ["Ann"], "the visiting host");
    await seesPlaying(ann.page, ["Hanna Host"], "Ann with the host visiting");

    // A reload comes straight back into the same room, with its name (a moderator tells it again).
    await ann.page.reload();
    await ann.page.getByText("You are in breakout room Quiet corner").waitFor();
    await seesPlaying(ann.page, ["Hanna Host"], "Ann after a reload");
    await seesPlaying(host.page, ["Ann"], "the host after Ann's reload");
  });
});
