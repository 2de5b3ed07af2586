/**
 * A meeting as people have it: real headless Chromium participants (each its
 * own browser context, fake camera and microphone) against the real server
 * and a real Janus. Assertions are about what a person sees: names on tiles
 * and remote videos that play with decoded frames.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { framesDecoded, joinFromPrejoin, mediaPeerAddresses, newParticipant, type ParticipantPage, seesPlaying as seesPlayingNames, framesKeepComing } from "../helpers/browser.js";
import { testMediaInterface } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** Waits until `p` shows exactly `names` as playing remote videos, then checks frames keep coming. */
async function seesPlaying(p: ParticipantPage, names: string[], who: string): Promise<void> {
  await seesPlayingNames(p.page, names, who);
  if (names.length > 0) await framesKeepComing(p.page, names, who);
}

describe("meeting with three browsers", () => {
  // Everyone in as equals: this file is about media; test/e2e/lobby.test.ts is about the lobby.
  const suite = useServerAndBrowser({ config: { meetings: { lobby: false } } });
  const people: Record<string, ParticipantPage> = {};
  let roomUrl: string;

  before(async () => {
    roomUrl = `${suite.server.url}/r/e2e-${Date.now().toString(36)}`;
  });

  test("the home page creates an unguessable meeting and opens its pre-join screen", async () => {
    const p = await newParticipant(suite.browser);
    await p.page.goto(suite.server.url);
    await p.page.getByRole("button", { name: "New meeting" }).click();
    await p.page.waitForURL(/\/r\/[A-Za-z0-9_-]{22}$/);
    await p.page.getByRole("heading", { name: "Ready to join?" }).waitFor();
    await p.context.close();
  });

  // The preview plays once the camera is on: nothing is on before the person chooses.
  test("pre-join shows a camera preview, a labelled name field and the controls", async () => {
    const alice = await newParticipant(suite.browser);
    people.Alice = alice;
    await alice.page.goto(roomUrl);
    await alice.page.getByRole("textbox", { name: "Name" }).waitFor();
    // Nothing is on before the person chooses (test/e2e/before-joining.test.ts shows no device is even opened).
    await alice.page.getByRole("button", { name: "Turn on microphone" }).click();
    await alice.page.getByRole("button", { name: "Turn off microphone" }).waitFor();
    await alice.page.getByRole("button", { name: "Turn on camera" }).click();
    await alice.page.getByRole("button", { name: "Turn off camera" }).waitFor();
    await alice.page.getByRole("combobox", { name: "Camera" }).waitFor();
    await alice.page.getByRole("combobox", { name: "Microphone" }).waitFor();
    await waitUntil("the preview to play", () => alice.page.locator("video.preview").evaluate((v: HTMLVideoElement) => v.videoWidth), (w) => w > 0);
    // Joining without a name is refused with a message, nothing is sent.
    await alice.page.getByRole("button", { name: "Join", exact: true }).click();
    await alice.page.getByRole("alert").filter({ hasText: "Please enter your name." }).waitFor();
    await alice.page.screenshot({ path: `${SCREENSHOTS}/prejoin-en.png` });
  });

  test("two participants see and hear each other", async () => {
    const bob = await newParticipant(suite.browser);
    people.Bob = bob;
    await joinFromPrejoin(people.Alice!.page, "Alice");
    await bob.page.goto(roomUrl);
    await joinFromPrejoin(bob.page, "Bob");
    await seesPlaying(people.Alice!, ["Bob"], "Alice");
    await seesPlaying(bob, ["Alice"], "Bob");
    // Remote audio arrives too: an <audio> element per remote participant with a live track.
    const audio = await bob.page.evaluate(() =>
      [...document.querySelectorAll<HTMLAudioElement>("figure.tile audio")].map((a) => {
        const stream = a.srcObject as MediaStream | null;
        return stream?.getAudioTracks()[0]?.readyState ?? "none";
      }),
    );
    assert.deepEqual(audio, ["live"]);
  });

  test("a late joiner sees everyone, and everyone sees the late joiner", async () => {
    const carol = await newParticipant(suite.browser);
    people.Carol = carol;
    await carol.page.goto(roomUrl);
    await joinFromPrejoin(carol.page, "Carol");
    await seesPlaying(carol, ["Alice", "Bob"], "Carol");
    await seesPlaying(people.Alice!, ["Bob", "Carol"], "Alice");
    await seesPlaying(people.Bob!, ["Alice", "Carol"], "Bob");
    for (const p of Object.values(people)) assert.ok((await framesDecoded(p.page)) > 0);
    if (testMediaInterface()) {
      // Media stays in the loopback range: every connected pair's remote end is 127.0.0.2.
      for (const p of Object.values(people)) {
        const addresses = await waitUntil("publisher and subscriber pairs", () => mediaPeerAddresses(p.page), (a) => a.length >= 2);
        assert.ok(addresses.every((a) => a.startsWith("127.")), `loopback media only: ${addresses.join(", ")}`);
      }
    }
    await carol.page.getByRole("button", { name: "People (3)" }).waitFor();
    await people.Alice!.page.screenshot({ path: `${SCREENSHOTS}/meeting-3-en.png` });
  });

  test("muting the microphone shows the indicator on the others' tile", async () => {
    const bob = people.Bob!;
    await bob.page.getByRole("button", { name: "Turn off microphone" }).click();
    await bob.page.getByRole("button", { name: "Turn on microphone" }).waitFor();
    const bobTile = people.Alice!.page.getByRole("figure", { name: "Bob" });
    await bobTile.getByRole("img", { name: "Microphone off" }).waitFor();
    await bob.page.getByRole("button", { name: "Turn on microphone" }).click();
    await bobTile.getByRole("img", { name: "Microphone off" }).waitFor({ state: "hidden" });
  });

  test("turning the camera off shows initials to the others instead of video", async () => {
    const carol = people.Carol!;
    await carol.page.getByRole("button", { name: "Turn off camera" }).click();
    await waitUntil("Carol's tile to show camera-off for Alice", () =>
      people.Alice!.page.locator('figure.tile[aria-label="Carol"]').evaluate((el) => el.classList.contains("camera-off")),
      (off) => off,
    );
    await carol.page.getByRole("button", { name: "Turn on camera" }).click();
    await seesPlaying(people.Alice!, ["Bob", "Carol"], "Alice");
  });

  test("a reload comes back into the meeting as the same person, seen by all", async () => {
    const bob = people.Bob!;
    await bob.page.reload();
    await seesPlaying(bob, ["Alice", "Carol"], "Bob after reload");
    await seesPlaying(people.Alice!, ["Bob", "Carol"], "Alice");
    await seesPlaying(people.Carol!, ["Alice", "Bob"], "Carol");
    // Still one tile per person: the reload replaced Bob, it did not add a second Bob.
    assert.equal(await people.Alice!.page.locator("figure.tile").count(), 3);
  });

  test("after the signaling connection drops, everyone rejoins automatically", async () => {
    suite.server.signaling.dropConnections();
    await seesPlaying(people.Alice!, ["Bob", "Carol"], "Alice after drop");
    await seesPlaying(people.Bob!, ["Alice", "Carol"], "Bob after drop");
    await seesPlaying(people.Carol!, ["Alice", "Bob"], "Carol after drop");
  });

  test("someone who leaves disappears for the others; so does a closed tab", async () => {
    const carol = people.Carol!;
    await carol.page.getByRole("button", { name: "Leave meeting" }).click();
    await carol.page.getByRole("heading", { name: "You left the meeting" }).waitFor();
    await seesPlaying(people.Alice!, ["Bob"], "Alice after Carol left");
    await seesPlaying(people.Bob!, ["Alice"], "Bob after Carol left");

    await people.Bob!.page.close();
    await waitUntil("Bob's tile to disappear for Alice", () => people.Alice!.page.locator("figure.tile").count(), (n) => n === 1, 5_000);
    await people.Alice!.page.getByText("Nobody else is here yet", { exact: false }).waitFor();
  });

  test("every request of every page went to Treff's own origin", () => {
    const origin = new URL(suite.server.url);
    const foreign = Object.values(people)
      .flatMap((p) => p.requests)
      .filter((url) => {
        const u = new URL(url);
        return u.host !== origin.host || !["http:", "ws:"].includes(u.protocol);
      });
    assert.deepEqual(foreign, []);
    assert.ok(Object.values(people).every((p) => p.requests.some((u) => u.startsWith("ws:"))));
  });

  test("the last one out closes the room: no Janus room or session is left", async () => {
    await people.Alice!.page.getByRole("button", { name: "Leave meeting" }).click();
    await waitUntil("the registry to be empty", async () => suite.server.registry.size, (n) => n === 0, 5_000);
    await waitUntil("every Janus session to be gone", async () => suite.server.janus.connection?.sessions.size ?? -1, (n) => n === 0, 5_000);
    for (const p of Object.values(people)) await p.context.close();
  });
});

describe("German interface", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  test("a browser that prefers German gets the German pre-join screen and meeting", async () => {
    const p = await newParticipant(suite.browser, { locale: "de-DE" });
    await p.page.goto(`${suite.server.url}/r/besprechung`);
    await p.page.getByRole("heading", { name: "Bereit zum Beitreten?" }).waitFor();
    await p.page.getByRole("button", { name: "Mikrofon einschalten" }).waitFor();
    await p.page.getByRole("button", { name: "Kamera einschalten" }).waitFor();
    await p.page.getByRole("combobox", { name: "Kamera" }).waitFor();
    assert.equal(await p.page.evaluate(() => document.documentElement.lang), "de");
    await p.page.screenshot({ path: `${SCREENSHOTS}/prejoin-de.png` });
    await joinFromPrejoin(p.page, "Jürgen", "Beitreten");
    await p.page.getByRole("toolbar", { name: "Steuerung der Besprechung" }).waitFor();
    await p.page.getByRole("button", { name: "Besprechung verlassen" }).waitFor();
    await p.page.getByText("Noch niemand sonst ist hier", { exact: false }).waitFor();
    await p.page.screenshot({ path: `${SCREENSHOTS}/meeting-1-de.png` });
    await p.context.close();
  });
});
