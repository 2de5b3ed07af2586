/**
 * Mute and camera-off hold at the media server, not only in the muted
 * person's browser: a participant whose page ignores the moderator's
 * `moderated` message (a modified client, simulated by an init script that
 * drops it) keeps sending, yet the other participant stops receiving that
 * audio (or video) until the participant switches it on again themselves.
 * Measured where it counts: RTP packets arriving at the other browser. So is
 * "Mute everyone else" (issue 13), from the More menu.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { BrowserContext, Page } from "playwright-core";
import { chooseFromMore, joinFromPrejoin, joinMeeting, newParticipant, rtpPackets, seesPlaying, type ParticipantPage } from "../helpers/browser.js";
import { createMeeting } from "../helpers/server.js";
import { useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** Test-only: the page never sees a `moderated` message (whatever else the server sends gets through). */
async function ignoreModerated(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const Native = window.WebSocket;
    window.WebSocket = class extends Native {
      override set onmessage(handler: ((event: MessageEvent) => void) | null) {
        super.onmessage = handler && ((event: MessageEvent) => (/^\{"type":"moderated"/.test(String(event.data)) ? undefined : handler.call(this, event)));
      }
      override get onmessage() {
        return super.onmessage;
      }
    } as typeof WebSocket;
  });
}

type Kind = "audio" | "video";
const other = (kind: Kind): Kind => (kind === "audio" ? "video" : "audio");

/**
 * Waits until `kind` stops arriving at `page` while the other kind keeps arriving: 100 packets of
 * it since the last packet of `kind` (two seconds of audio, a second or two of video). Returns
 * the count of `kind` it stayed at.
 */
async function stopsArriving(page: Page, kind: Kind): Promise<number> {
  let last = await rtpPackets(page);
  let sinceChange = last;
  const frozenFor = await waitUntil(
    `${kind} to stop arriving while ${other(kind)} arrives`,
    async () => {
      const now = await rtpPackets(page);
      if (now.received[kind] !== last.received[kind]) sinceChange = now;
      last = now;
      return now.received[other(kind)] - sinceChange.received[other(kind)];
    },
    (packets) => packets >= 100,
    30_000,
    250,
  );
  assert.ok(frozenFor >= 100);
  return last.received[kind];
}

/** Waits until at least `packets` more of `kind` than `from` arrived at `page`. */
async function arrivesAgain(page: Page, kind: Kind, from: number, packets = 50): Promise<void> {
  await waitUntil(`${kind} to arrive again`, async () => (await rtpPackets(page)).received[kind], (n) => n >= from + packets, 30_000, 250);
}

describe("mute and camera-off are enforced by the media server", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });
  let host: ParticipantPage;
  let mia: ParticipantPage;

  before(async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "mute-check");
    host = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, "Hana Host");
    mia = await newParticipant(suite.browser);
    await ignoreModerated(mia.context);
    await mia.page.goto(`${suite.server.url}/r/${room}`);
    await joinFromPrejoin(mia.page, "Mia Modified");
    await seesPlaying(host.page, ["Mia Modified"], "the host", 30_000);
    await seesPlaying(mia.page, ["Hana Host"], "Mia", 30_000);
  });

  for (const { kind, menu, own } of [
    { kind: "audio" as const, menu: "Mute Mia Modified", own: ["Turn off microphone", "Turn on microphone"] },
    { kind: "video" as const, menu: "Turn off Mia Modified's camera", own: ["Turn off camera", "Turn on camera"] },
  ]) {
    test(`${kind}: a participant whose page ignores the moderator keeps sending, but nobody receives it until they switch it on again`, async () => {
      await arrivesAgain(host.page, kind, (await rtpPackets(host.page)).received[kind]);

      const action = host.page.getByRole("button", { name: menu });
      if (!(await action.isVisible())) await host.page.getByLabel("Moderate Mia Modified").click(); // the menu may be open still
      await action.click();
      const sentBefore = (await rtpPackets(mia.page)).sent[kind];
      const stalled = await stopsArriving(host.page, kind);
      // Mia's page never heard of the mute: its control still says the device is on, and it sends.
      await mia.page.getByRole("button", { name: own[0] }).waitFor();
      const sentAfter = (await rtpPackets(mia.page)).sent[kind];
      assert.ok(sentAfter >= sentBefore + 50, `Mia kept sending ${kind} (${sentBefore} → ${sentAfter} packets)`);
      assert.equal((await rtpPackets(host.page)).received[kind], stalled, "and still nothing arrives");

      // Mia switches it off and on again herself: allowed, and it flows again.
      await mia.page.getByRole("button", { name: own[0] }).click();
      await mia.page.getByRole("button", { name: own[1] }).click();
      await arrivesAgain(host.page, kind, stalled);
    });
  }
});

describe("mute everyone else (issue 13) is enforced by the media server", () => {
  const suite = useServerAndBrowser({ logLevel: "warn", config: { meetings: { lobby: false } } });

  test("the moderator mutes everyone else from the More menu: no audio from anyone arrives, even from a page that ignores it; the moderator is still heard", async () => {
    const { room, moderatorKey } = await createMeeting(suite.server, "mute-all");
    const host = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}#moderator=${moderatorKey}`, "Hana Host");
    const mia = await newParticipant(suite.browser);
    await ignoreModerated(mia.context);
    await mia.page.goto(`${suite.server.url}/r/${room}`);
    await joinFromPrejoin(mia.page, "Mia Modified");
    const dora = await joinMeeting(suite.browser, `${suite.server.url}/r/${room}`, "Dora Deutsch", { locale: "de-DE", joinLabel: "Beitreten" });
    await seesPlaying(host.page, ["Mia Modified", "Dora Deutsch"], "the host", 30_000);
    await seesPlaying(dora.page, ["Hana Host", "Mia Modified"], "Dora", 30_000);
    await arrivesAgain(host.page, "audio", (await rtpPackets(host.page)).received.audio);

    await chooseFromMore(host.page, "Mute everyone else");
    const miaSentBefore = (await rtpPackets(mia.page)).sent.audio;
    // Nothing of either arrives at the host, while their video does.
    const stalled = await stopsArriving(host.page, "audio");
    // Dora's page followed: her own control says the microphone is off (in German).
    await dora.page.getByRole("toolbar").getByRole("button", { name: "Mikrofon einschalten", exact: true }).waitFor();
    // Mia's page never heard of it and kept sending: the media server dropped it.
    await mia.page.getByRole("button", { name: "Turn off microphone" }).waitFor();
    assert.ok((await rtpPackets(mia.page)).sent.audio >= miaSentBefore + 50, "Mia kept sending audio");
    assert.equal((await rtpPackets(host.page)).received.audio, stalled, "and still nothing arrives");
    // The moderator was not muted: Dora still receives audio (from the host only).
    const doraHears = (await rtpPackets(dora.page)).received.audio;
    await arrivesAgain(dora.page, "audio", doraHears);
    await host.page.getByRole("toolbar").getByRole("button", { name: "Turn off microphone", exact: true }).waitFor();

    // Asked to unmute, Dora decides herself; her audio arrives again.
    await chooseFromMore(host.page, "Ask everyone to unmute");
    const request = dora.page.getByRole("group", { name: "Die Moderation bittet Sie, Ihr Mikrofon einzuschalten." });
    await request.getByRole("button", { name: "Mikrofon einschalten" }).click();
    await dora.page.getByRole("toolbar").getByRole("button", { name: "Mikrofon ausschalten", exact: true }).waitFor();
    await arrivesAgain(host.page, "audio", stalled);
  });
});
