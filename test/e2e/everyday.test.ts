/**
 * The everyday meeting features, in real Chromium: raised hands in order
 * (with a notice to the others), reactions on tiles, the people list,
 * keyboard shortcuts and their help dialog, and the unread count on the
 * chat button.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { joinFromPrejoin, joinMeeting, newParticipant, openPanelFromMore, playingRemoteNames, type ParticipantPage } from "../helpers/browser.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { sameMembers, waitUntil } from "../helpers/wait.js";

describe("everyday meeting features", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let ada: ParticipantPage;
  let ben: ParticipantPage;

  before(async () => {
    const room = `${suite.server.url}/r/everyday-${Date.now().toString(36)}`;
    ada = await joinMeeting(suite.browser, room, "Ada");
    ben = await joinMeeting(suite.browser, room, "Ben");
    await waitUntil("Ada to see Ben", () => playingRemoteNames(ada.page), (n) => sameMembers(n, ["Ben"]), 20_000);
  });

  test("each remote tile shows how well that participant's video arrives", async () => {
    await ada.page.getByRole("figure", { name: "Ben" }).getByRole("img", { name: "Connection: good" }).waitFor({ timeout: 15_000 });
  });

  test("hands go up in order, everyone sees them, and come down again", async () => {
    // The hand is with the reactions, as in Zoom.
    const reactions = (p: ParticipantPage) => p.page.getByRole("dialog", { name: "Reactions" });
    await ben.page.getByRole("button", { name: "Reactions" }).click();
    await reactions(ben).getByRole("button", { name: "Raise hand" }).click();
    await ben.page.getByRole("figure", { name: "Ben (you)" }).getByRole("img", { name: "Hand raised" }).waitFor();
    // Ada is told where she looks, and a screen reader hears it (the notices are a polite live region).
    await ada.page.locator('[aria-live="polite"]').getByText("Ben raised their hand.").waitFor();
    await ada.page.keyboard.press("h"); // the shortcut
    await ada.page.getByRole("figure", { name: "Ada (you)" }).getByRole("img", { name: "Hand raised" }).waitFor();
    await ada.page.getByRole("figure", { name: "Ben" }).getByRole("img", { name: "Hand raised" }).waitFor();

    await ada.page.getByRole("button", { name: "People (2)" }).click();
    const people = ada.page.getByRole("region", { name: "People" });
    await waitUntil(
      "the people list in hand order",
      async () => (await people.getByRole("listitem").allInnerTexts()).map((s) => s.replace(/\s+/g, " ").trim()),
      (items) => items.length === 2 && items[0]!.startsWith("Ben") && items[0]!.includes("Hand raised, number 1") && items[1]!.includes("number 2"),
    );
    await ben.page.getByRole("button", { name: "Reactions" }).click();
    await reactions(ben).getByRole("button", { name: "Lower hand" }).click();
    await ada.page.getByRole("figure", { name: "Ben" }).getByRole("img", { name: "Hand raised" }).waitFor({ state: "hidden" });
    await ada.page.keyboard.press("h");
    await ada.page.getByRole("figure", { name: "Ada (you)" }).getByRole("img", { name: "Hand raised" }).waitFor({ state: "hidden" });
  });

  test("a reaction shows briefly on the sender's tile for everyone", async () => {
    await ben.page.getByRole("button", { name: "Reactions" }).click();
    await ben.page.getByRole("button", { name: "Applause" }).click();
    const bubble = ada.page.locator('figure.tile[aria-label="Ben"] .reaction');
    await waitUntil("the reaction on Ben's tile", () => bubble.textContent(), (text) => text === "👏");
    await bubble.waitFor({ state: "hidden", timeout: 6_000 });
  });

  test("M and V switch microphone and camera; ? lists the shortcuts", async () => {
    await ada.page.keyboard.press("m");
    await ada.page.getByRole("button", { name: "Turn on microphone" }).waitFor();
    await ben.page.getByRole("figure", { name: "Ada" }).getByRole("img", { name: "Microphone off" }).waitFor();
    await ada.page.keyboard.press("m");
    await ada.page.getByRole("button", { name: "Turn off microphone" }).waitFor();
    await ada.page.keyboard.press("v");
    await ada.page.getByRole("button", { name: "Turn on camera" }).waitFor();
    await ada.page.keyboard.press("v");
    await ada.page.getByRole("button", { name: "Turn off camera" }).waitFor();

    await ada.page.keyboard.press("?");
    const dialog = ada.page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await dialog.getByText("Raise or lower your hand").waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await dialog.waitFor({ state: "hidden" });
  });

  test("chat messages arrive in the same order for everyone, each sender's in the order sent", async () => {
    for (const p of [ada, ben]) {
      if ((await p.page.getByRole("button", { name: /^Chat/ }).getAttribute("aria-expanded")) !== "true") {
        await p.page.getByRole("button", { name: /^Chat/ }).click();
      }
    }
    const send = async (p: ParticipantPage, text: string) => {
      await p.page.getByRole("textbox", { name: "Message" }).fill(text);
      await p.page.getByRole("textbox", { name: "Message" }).press("Enter");
    };
    for (let i = 1; i <= 4; i++) {
      await send(ada, `a${i}`);
      await send(ben, `b${i}`);
    }
    const read = (p: ParticipantPage) =>
      p.page.getByRole("region", { name: "Chat" }).locator("li p").allInnerTexts().then((all) => all.filter((t) => /^[ab]\d$/.test(t)));
    const seen = await waitUntil("all eight messages on both sides", async () => [await read(ada), await read(ben)], ([x, y]) => x!.length === 8 && y!.length === 8);
    assert.deepEqual(seen[0], seen[1], "the same order for everyone");
    assert.deepEqual(seen[0]!.filter((t) => t.startsWith("a")), ["a1", "a2", "a3", "a4"]);
    assert.deepEqual(seen[0]!.filter((t) => t.startsWith("b")), ["b1", "b2", "b3", "b4"]);
    for (const p of [ada, ben]) await p.page.getByRole("button", { name: /^Chat/ }).click();
  });

  test("the chat button counts unread messages until the chat is opened; typing in the chat is not a shortcut", async () => {
    await ben.page.keyboard.press("c");
    const input = ben.page.getByRole("textbox", { name: "Message" });
    await input.fill("mhv"); // letters that are shortcuts elsewhere
    await ben.page.getByRole("button", { name: "Send" }).click();
    await ben.page.getByRole("button", { name: "Turn off microphone" }).waitFor(); // unchanged by typing
    await ada.page.getByRole("button", { name: "Chat, 1 unread" }).waitFor();
    await ada.page.keyboard.press("c");
    await ada.page.getByRole("region", { name: "Chat" }).getByText("mhv").waitFor();
    assert.equal(await ada.page.getByRole("button", { name: "Chat", exact: true }).count(), 1);
  });
});

describe("devices during the meeting", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  test("switching the camera in the Devices panel keeps the picture flowing; the microphone level moves", async () => {
    const room = `${suite.server.url}/r/devices-${Date.now().toString(36)}`;
    const eva = await newParticipant(suite.browser);
    const finn = await newParticipant(suite.browser);
    await eva.page.goto(room);
    // On the pre-join screen the level meter follows the (fake, beeping) microphone once it is on.
    await eva.page.getByRole("button", { name: "Turn on microphone" }).click();
    const prejoinLevel = eva.page.getByRole("meter", { name: "Microphone level" });
    await waitUntil("the pre-join microphone level", () => prejoinLevel.evaluate((m: HTMLMeterElement) => m.value), (v) => v > 0);
    await joinFromPrejoin(eva.page, "Eva");
    await finn.page.goto(room);
    await joinFromPrejoin(finn.page, "Finn");
    await waitUntil("Finn to see Eva", () => playingRemoteNames(finn.page), (n) => sameMembers(n, ["Eva"]), 20_000);

    await openPanelFromMore(eva.page, "Devices");
    const panel = eva.page.getByRole("region", { name: "Devices" });
    const camera = panel.getByRole("combobox", { name: "Camera" });
    const before = await eva.page.evaluate(() => (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections[0]!.getSenders().find((s) => s.track?.kind === "video")?.track?.id);
    await camera.selectOption({ index: 0 });
    await camera.dispatchEvent("change");
    await waitUntil(
      "a new camera track on Eva's sender",
      () => eva.page.evaluate(() => (window as unknown as { __treffPeerConnections: RTCPeerConnection[] }).__treffPeerConnections[0]!.getSenders().find((s) => s.track?.kind === "video")?.track?.id),
      (id) => id !== undefined && id !== before,
    );
    await waitUntil("Finn still sees Eva", () => playingRemoteNames(finn.page), (n) => sameMembers(n, ["Eva"]));
    const level = panel.getByRole("meter", { name: "Microphone level" });
    await waitUntil("the microphone level in the meeting", () => level.evaluate((m: HTMLMeterElement) => m.value), (v) => v > 0);
    await eva.context.close();
    await finn.context.close();
  });
});
