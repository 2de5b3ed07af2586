/**
 * A meeting through a real coturn: Treff hands out ephemeral credentials,
 * coturn accepts them (and refuses expired or forged ones), and a
 * participant whose browser may only use relayed candidates sees and is
 * seen by someone connected directly, with decoded frames.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { joinFromPrejoin, newParticipant, type ParticipantPage, seesPlaying as seesPlayingNames, framesKeepComing } from "../helpers/browser.js";
import { startCoturn, type Coturn } from "../helpers/coturn.js";
import { forceRelayOnly, selectedLocalCandidateTypes } from "../helpers/relay.js";
import { testMediaInterface } from "../helpers/server.js";
import { SCREENSHOTS, useServerAndBrowser } from "../helpers/suite.js";
import { waitUntil } from "../helpers/wait.js";
import { turnCredential } from "../../src/server/turn.js";

/** Waits until `p` sees exactly `name` playing, then until its frame count grows. */
async function seesPlaying(p: ParticipantPage, name: string, who: string): Promise<void> {
  await seesPlayingNames(p.page, [name], who, 30_000);
  await framesKeepComing(p.page, [name], who);
}

describe("TURN with a real coturn", () => {
  let coturn: Coturn;
  before(async () => {
    coturn = await startCoturn();
  });
  // Between coturn's hooks: the server starts after coturn (it needs its secret) and stops before it.
  const suite = useServerAndBrowser(() => ({
    logLevel: "warn",
    config: {
      janus: { iceInterfaces: testMediaInterface() },
      meetings: { lobby: false },
      turn: { secret: coturn.secret, urls: coturn.urls },
    },
  }));
  after(async () => {
    await coturn?.stop();
  });

  test("coturn allocates with Treff's credential and refuses expired or forged ones", () => {
    // turnutils_uclient (from the coturn package) allocates a relay and sends through it; exit 0 on success.
    const allocates = (credential: { username: string; credential: string }) =>
      spawnSync("turnutils_uclient", ["-p", String(coturn.port), "-u", credential.username, "-w", credential.credential, "-n", "1", "-y", "127.0.0.1"], {
        timeout: 15_000,
      }).status === 0;
    assert.ok(allocates(turnCredential(coturn.secret, 600, Date.now())), "a fresh credential works");
    assert.ok(!allocates(turnCredential(coturn.secret, 600, Date.now() - 3_600_000)), "an expired one does not");
    assert.ok(!allocates(turnCredential("another-secret-entirely", 600, Date.now())), "nor one signed with another secret");
  });

  test("a relay-only participant and a direct one see each other", async () => {
    const room = `${suite.server.url}/r/turn-${Date.now().toString(36)}`;
    const direct = await newParticipant(suite.browser);
    const relayed = await newParticipant(suite.browser);
    await forceRelayOnly(relayed.context);
    try {
      await direct.page.goto(room);
      await joinFromPrejoin(direct.page, "Dana");
      await relayed.page.goto(room);
      await joinFromPrejoin(relayed.page, "Rolf");

      await seesPlaying(relayed, "Dana", "Rolf (relay only)");
      await seesPlaying(direct, "Rolf", "Dana");

      // Rolf's publisher and subscriber both run over coturn; Dana's do not.
      const relayedTypes = await waitUntil("Rolf's two selected pairs", () => selectedLocalCandidateTypes(relayed.page), (t) => t.length >= 2);
      assert.deepEqual([...new Set(relayedTypes)], ["relay"], `Rolf's local candidates: ${relayedTypes.join(", ")}`);
      const directTypes = await selectedLocalCandidateTypes(direct.page);
      assert.ok(directTypes.length >= 2 && !directTypes.includes("relay"), `Dana's local candidates: ${directTypes.join(", ")}`);
      await relayed.page.screenshot({ path: `${SCREENSHOTS}/meeting-relay-en.png` });
    } finally {
      await direct.context.close();
      await relayed.context.close();
    }
  });
});
