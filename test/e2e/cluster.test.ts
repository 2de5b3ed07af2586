/**
 * Two Treff nodes on one Redis, each with its own Janus, behind load
 * balancers, with real Chromium: a moderator on one node and a guest on the
 * other meet in one meeting (the guest knocks and is let in) and see and
 * hear each other; when the room's node dies, both are back with video on
 * the other node, without knocking again.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Browser, Page } from "playwright-core";
import { joinMeeting, launchBrowser, openPanelFromMore, seesPlaying, type ParticipantPage } from "../helpers/browser.js";
import { inboundAudio } from "../helpers/e2ee.js";
import { clusterSecret, metric, startBalancer, startNode, startRedis, type Balancer, type RedisServer, type TreffNode } from "../helpers/cluster.js";
import { SCREENSHOTS } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";

/** Video frames decoded by the peer connections the page opened after the first `since` of them. */
function videoFramesSince(page: Page, since: number): Promise<number> {
  return page.evaluate(async (from) => {
    const list = (window as unknown as { __treffPeerConnections?: RTCPeerConnection[] }).__treffPeerConnections ?? [];
    let frames = 0;
    for (const pc of list.slice(from)) {
      if (pc.connectionState === "closed") continue;
      (await pc.getStats()).forEach((r: { type: string; kind?: string; framesDecoded?: number }) => {
        if (r.type === "inbound-rtp" && r.kind === "video") frames += r.framesDecoded ?? 0;
      });
    }
    return frames;
  }, since);
}

/** The moderator's own controls are there: "Meeting settings" in the More menu. */
async function hasModeratorControls(page: Page): Promise<void> {
  await page.getByRole("button", { name: "More", exact: true }).click();
  await page.getByRole("dialog", { name: "More" }).getByRole("button", { name: "Meeting settings" }).waitFor();
  await page.keyboard.press("Escape");
}

const peerConnections = (page: Page) => page.evaluate(() => (window as unknown as { __treffPeerConnections?: RTCPeerConnection[] }).__treffPeerConnections?.length ?? 0);

describe("a meeting across two nodes", () => {
  let redis: RedisServer;
  let a: TreffNode;
  let b: TreffNode;
  /** Load balancers that prefer A, and B: each person's connections go to "their" node while it is up. */
  let viaA: Balancer;
  let viaB: Balancer;
  let browser: Browser;
  let host: ParticipantPage;
  let guest: ParticipantPage;

  before(async () => {
    redis = await startRedis();
    const secret = clusterSecret();
    [a, b] = await Promise.all([startNode({ redisUrl: redis.url, secret }), startNode({ redisUrl: redis.url, secret })]);
    viaA = await startBalancer(() => [a.port, b.port]);
    viaB = await startBalancer(() => [b.port, a.port]);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await Promise.all([viaA, viaB].map((balancer) => balancer?.close()));
    await Promise.all([a, b].map((node) => node?.stop()));
    await redis?.stop();
  });

  test("a moderator on one node lets in a guest on the other; they see and hear each other", async () => {
    const response = await fetch(`${viaA.url}/api/meetings`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    const { room, moderatorKey } = (await response.json()) as { room: string; moderatorKey: string };
    host = await joinMeeting(browser, `${viaA.url}/r/${room}#moderator=${moderatorKey}`, "Hanna Host");
    await hasModeratorControls(host.page);
    guest = await joinMeeting(browser, `${viaB.url}/r/${room}`, "Gustav Guest");
    await guest.page.getByText("Please wait: a host will let you in soon.").waitFor();
    await openPanelFromMore(host.page, "Lobby", /^Lobby/);
    await host.page.getByRole("button", { name: "Let Gustav Guest in" }).click();
    await seesPlaying(guest.page, ["Hanna Host"], "the guest", 20_000);
    await seesPlaying(host.page, ["Gustav Guest"], "the host", 20_000);
    for (const [who, page] of [["host", host.page], ["guest", guest.page]] as const) {
      await waitUntil(`the ${who} to hear the other`, () => inboundAudio(page), (streams) => streams.some((s) => s.energy > 0));
    }
    assert.equal(await metric(a, "treff_rooms"), 1, "the meeting lives on the host's node");
    await waitUntil("both to publish on the room's node", () => metric(a, "treff_publishers"), (n) => n === 2);
    await guest.page.screenshot({ path: `${SCREENSHOTS}/cluster-guest-en.png` });
  });

  test("when the room's node dies, both are back with video on the other node without knocking again", async () => {
    const before = { host: await peerConnections(host.page), guest: await peerConnections(guest.page) };
    const killedAt = Date.now();
    a.kill("SIGKILL");
    const back = await Promise.all(
      (["host", "guest"] as const).map(async (who) => {
        const { page } = who === "host" ? host : guest;
        await waitUntil(`the ${who}'s video to come back`, () => videoFramesSince(page, before[who]), (frames) => frames > 0, 30_000, 50);
        return Date.now() - killedAt;
      }),
    );
    const slowest = Math.max(...back);
    console.log(`# video back for both ${slowest} ms after the room's node was killed (host ${back[0]} ms, guest ${back[1]} ms)`);
    // The target is 5 s; a loaded test machine gets some slack here, the measured time is reported above.
    assert.ok(slowest < 10_000, `both back with video in ${slowest} ms`);
    await seesPlaying(guest.page, ["Hanna Host"], "the guest after the failover");
    await seesPlaying(host.page, ["Gustav Guest"], "the host after the failover");
    await hasModeratorControls(host.page);
    assert.equal(await guest.page.getByText("Please wait: a host will let you in soon.").isVisible(), false, "the guest did not knock again");
    assert.deepEqual([await metric(b, "treff_rooms"), await metric(b, "treff_participants")], [1, 2]);
    await host.page.screenshot({ path: `${SCREENSHOTS}/cluster-after-failover-en.png` });
  });
});
