/**
 * Access control as people live it, in real Chromium against the real
 * server and Janus: the creator of a meeting is its moderator, guests knock
 * and wait in the lobby, the moderator lets them in or turns them away,
 * sets a password, locks, mutes, removes and ends the meeting; chat reaches
 * everyone. A knock comes to the moderator as a notice with the actions in
 * it. Everything is found by role and accessible name.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, type ParticipantPage, seesPlaying as seesPlayingNames } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** Opens the moderator's side panel "Meeting settings" or "Lobby" from the More menu, unless it is open already. */
const openPanel = (page: Page, name: "Meeting settings" | "Lobby") => openPanelFromMore(page, name, name === "Lobby" ? /^Lobby/ : name);

const seesPlaying = (p: Page, names: string[], who: string) => seesPlayingNames(p, names, who, 20_000);

describe("lobby and moderation", () => {
  const suite = useServerAndBrowser({ logLevel: "warn" });
  let host: ParticipantPage;
  let guest: ParticipantPage;
  let guestLink: string;

  test("the creator of a new meeting is its moderator; the moderator key leaves the address bar", async () => {
    host = await newParticipant(suite.browser);
    await host.page.goto(suite.server.url);
    await host.page.getByRole("button", { name: "New meeting" }).click();
    await host.page.getByRole("heading", { name: "Ready to join?" }).waitFor();
    assert.doesNotMatch(host.page.url(), /moderator/, "the key is not left in the address to be copied");
    await joinFromPrejoin(host.page, "Hanna Host");
    await openPanel(host.page, "Meeting settings");
    guestLink = await host.page.getByRole("textbox", { name: "Link for guests" }).inputValue();
    assert.match(guestLink, /\/r\/[A-Za-z0-9_-]{22}$/);
    assert.match(await host.page.getByRole("textbox", { name: "Moderator link (keep it private)" }).inputValue(), /#moderator=/);
    await host.page.getByRole("region", { name: "Meeting settings" }).getByRole("button", { name: "Close panel" }).click();
  });

  test("a guest waits in the lobby, seeing nobody, until the moderator lets them in", async () => {
    guest = await joinMeeting(suite.browser, guestLink, "Gustav Guest");
    await guest.page.getByText("Please wait: a host will let you in soon.").waitFor();
    assert.equal(await guest.page.locator("figure.tile:not([data-self])").count(), 0, "a waiting guest sees no participant");
    await guest.page.screenshot({ path: `${SCREENSHOTS}/lobby-waiting-en.png` });

    await openPanel(host.page, "Lobby");
    await host.page.screenshot({ path: `${SCREENSHOTS}/lobby-moderator-en.png` });
    await host.page.getByRole("button", { name: "Let Gustav Guest in" }).click();
    await seesPlaying(guest.page, ["Hanna Host"], "the admitted guest");
    await seesPlaying(host.page, ["Gustav Guest"], "the host");
  });

  test("chat reaches everyone in the meeting, with the sender's name", async () => {
    await guest.page.getByRole("button", { name: "Chat" }).click();
    await guest.page.getByRole("textbox", { name: "Message" }).fill("Guten Morgen <b>alle</b>");
    await guest.page.getByRole("button", { name: "Send" }).click();
    await host.page.getByRole("button", { name: "Chat" }).click();
    const chat = host.page.getByRole("region", { name: "Chat" });
    await chat.getByText("Guten Morgen <b>alle</b>").waitFor();
    await chat.getByText("Gustav Guest").waitFor();
    await host.page.screenshot({ path: `${SCREENSHOTS}/chat-en.png` });
    await host.page.getByRole("button", { name: "Chat" }).click();
  });

  test("a knock comes to the moderator as a notice that screen readers hear, with Let in and Turn away in it", async () => {
    const nina = await joinMeeting(suite.browser, guestLink, "Nina");
    await nina.page.getByText("Please wait: a host will let you in soon.").waitFor();
    const notice = host.page.locator('[aria-live="polite"]').getByRole("group", { name: "Nina is waiting in the lobby." });
    await notice.waitFor();
    // The More button carries the number waiting, so a moderator who missed the notice still sees it.
    assert.equal(await host.page.getByRole("button", { name: "More", exact: true }).getAttribute("data-count"), "1");
    await host.page.screenshot({ path: `${SCREENSHOTS}/lobby-knock-en.png` });
    await notice.getByRole("button", { name: "Turn away" }).click();
    await nina.page.getByRole("heading", { name: "The host did not let you in." }).waitFor();
    await notice.waitFor({ state: "detached" });
    await nina.context.close();
  });

  test("a moderator mutes a participant, who sees it on their own controls", async () => {
    await host.page.getByLabel("Moderate Gustav Guest").click();
    await host.page.getByRole("button", { name: "Mute Gustav Guest" }).click();
    await guest.page.getByRole("button", { name: "Turn on microphone" }).waitFor();
    await host.page.getByRole("figure", { name: "Gustav Guest" }).getByRole("img", { name: "Microphone off" }).waitFor();
  });

  test("with a password, a new guest must give it before knocking; a refused guest is told", async () => {
    await openPanel(host.page, "Meeting settings");
    await host.page.getByLabel("New meeting password").fill("Sesam öffne dich");
    await host.page.getByRole("button", { name: "Set password" }).click();
    await host.page.getByText("Guests need a password.").waitFor();

    const eve = await joinMeeting(suite.browser, guestLink, "Eve");
    await eve.page.getByText("This meeting needs a password.").waitFor();
    await eve.page.getByLabel("Meeting password", { exact: true }).fill("wrong guess");
    await eve.page.getByRole("button", { name: "Join", exact: true }).click();
    await eve.page.getByText("That password is not right.").waitFor();
    await eve.page.getByLabel("Meeting password", { exact: true }).fill("Sesam öffne dich");
    await eve.page.getByRole("button", { name: "Join", exact: true }).click();
    await eve.page.getByText("Please wait: a host will let you in soon.").waitFor();

    await openPanel(host.page, "Lobby");
    await host.page.getByRole("button", { name: "Turn Eve away" }).click();
    await eve.page.getByRole("heading", { name: "The host did not let you in." }).waitFor();
    await eve.context.close();
  });

  test("a locked meeting takes no new knocks", async () => {
    await openPanel(host.page, "Meeting settings");
    await host.page.getByRole("button", { name: "Lock meeting" }).click();
    await host.page.getByRole("button", { name: "Unlock meeting" }).waitFor();
    const late = await joinMeeting(suite.browser, guestLink, "Late Larry");
    await late.page.getByText("This meeting is locked. Nobody new can join.").waitFor();
    await late.context.close();
  });

  test("the moderator stays moderator after a reload", async () => {
    await host.page.reload();
    await seesPlaying(host.page, ["Gustav Guest"], "the host after reloading");
    await host.page.getByRole("button", { name: "More", exact: true }).click();
    await host.page.getByRole("dialog", { name: "More" }).getByRole("button", { name: "Meeting settings" }).waitFor();
    await host.page.keyboard.press("Escape");
  });

  test("a removed participant is told and disappears for the others", async () => {
    await host.page.getByLabel("Moderate Gustav Guest").click();
    await host.page.getByRole("button", { name: "Remove Gustav Guest" }).click();
    await guest.page.getByRole("heading", { name: "A moderator removed you from the meeting." }).waitFor();
    await waitUntil("the guest's tile to go", () => host.page.locator("figure.tile").count(), (n) => n === 1);
    await guest.context.close();
  });

  test("a moderator sees whose browser cannot encrypt end to end; requiring it turns them away at once", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "kanzlei-mandat");
    const lawyer = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, "Lea Lawyer");
    const client = await newParticipant(suite.browser);
    await client.context.addInitScript(() => delete (window as { RTCRtpScriptTransform?: unknown }).RTCRtpScriptTransform);
    await client.page.goto(`${suite.server.url}/r/${room}`);
    await joinFromPrejoin(client.page, "Old Browser");
    await client.page.getByText("Please wait: a host will let you in soon.").waitFor();

    await openPanel(lawyer.page, "Lobby");
    const entry = lawyer.page.getByRole("listitem").filter({ hasText: "Old Browser" });
    await entry.getByText("Browser without end-to-end encryption").waitFor();
    await lawyer.page.screenshot({ path: `${SCREENSHOTS}/lobby-without-e2ee-en.png` });
    await openPanel(lawyer.page, "Meeting settings");
    await lawyer.page.getByRole("button", { name: "Only browsers with end-to-end encryption may join" }).click();
    await client.page.getByText("This meeting admits only browsers that encrypt end to end.", { exact: false }).waitFor();
    await openPanel(lawyer.page, "Lobby");
    await lawyer.page.getByText("Nobody is waiting.").waitFor();
    await client.context.close();
    await lawyer.context.close();
  });

  test("a guest who comes before the host is told the host has not arrived; ending the meeting ends it for all", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "sprechstunde-dr-ab");
    const early = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Paula Patient");
    await early.page.getByText("The host has not arrived yet.", { exact: false }).waitFor();

    const doctor = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, "Dr. Anna Berg");
    await early.page.getByText("Please wait: a host will let you in soon.").waitFor();
    // The moderator arriving is told at once who waits, and lets them in from the notice.
    await doctor.page.getByRole("group", { name: "Paula Patient is waiting in the lobby." }).getByRole("button", { name: "Let in" }).click();
    await seesPlaying(early.page, ["Dr. Anna Berg"], "the patient");

    await openPanel(doctor.page, "Meeting settings");
    await doctor.page.getByRole("button", { name: "End meeting for all" }).click();
    await early.page.getByRole("heading", { name: "The meeting has ended." }).waitFor();
    await doctor.page.getByRole("heading", { name: "The meeting has ended." }).waitFor();
    await early.context.close();
    await doctor.context.close();
    await host.context.close();
  });
});
