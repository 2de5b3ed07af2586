/**
 * Dynacast: publishers learn the highest camera layer anyone receives from
 * them, so they encode no layer nobody watches. The pure LayerDemand, then
 * the room telling publishers through `videoLayers` on the fake media plane.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LayerDemand } from "../../src/meeting/layer-demand.js";
import type { VideoQuality } from "../../src/protocol/messages.js";
import { CAMERA_OFFER, type FakeMediaParticipant } from "../fakes/media-plane.js";
import { joined, setup, type Connection } from "../fakes/connections.js";

const wants = (entries: [string, VideoQuality][]) => new Map(entries);

describe("LayerDemand", () => {
  test("a publisher's highest layer is the highest any subscriber receives; only changes are reported", () => {
    const demand = new LayerDemand();
    assert.deepEqual(demand.receive("ben", wants([["ada", "low"]])), wants([["ada", "low"]]));
    assert.deepEqual(demand.receive("cem", wants([["ada", "medium"]])), wants([["ada", "medium"]]));
    assert.deepEqual(demand.receive("ben", wants([["ada", "medium"]])), wants([]), "still medium: nothing to tell");
    assert.deepEqual(demand.receive("cem", wants([["ada", "high"]])), wants([["ada", "high"]]));
    assert.equal(demand.highest("ada"), "high");
  });

  test("a subscriber that stops receiving someone, or leaves, lowers what that publisher must send", () => {
    const demand = new LayerDemand();
    demand.receive("ben", wants([["ada", "high"], ["cem", "low"]]));
    demand.receive("cem", wants([["ada", "low"]]));
    assert.deepEqual(demand.receive("ben", wants([["cem", "low"]])), wants([["ada", "low"]]), "Ben no longer receives Ada");
    assert.deepEqual(demand.forget("cem"), wants([["ada", "off"]]), "Cem left: nobody receives Ada");
    assert.deepEqual(demand.forget("ben"), wants([]), "Cem, whom Ben received, is gone already");
  });

  test("a publisher that starts again is told afresh, off when nobody receives it", () => {
    const demand = new LayerDemand();
    assert.deepEqual(demand.published("ada"), wants([["ada", "off"]]));
    demand.receive("ben", wants([["ada", "medium"]]));
    assert.deepEqual(demand.published("ada"), wants([["ada", "medium"]]));
    assert.deepEqual(demand.receive("ben", wants([["ada", "off"]])), wants([["ada", "off"]]), "receiving Ada's audio only");
  });
});

describe("the room tells publishers", () => {
  const layersTold = (c: Connection) => c.link.all("videoLayers").map((m) => m.highest);

  test("publishing, then each subscription that changes what anyone receives, then a subscriber leaving", async () => {
    const { registry, room } = setup();
    const ada = await joined(registry, "Ada");
    const ben = await joined(registry, "Ben");
    const cem = await joined(registry, "Cem");
    ada.signal.send({ type: "publish", sdp: CAMERA_OFFER });
    await ada.barrier();
    (room().members.get(ada.id)!.media.participant as FakeMediaParticipant).startPublishing();
    assert.deepEqual(layersTold(ada), ["off"], "nobody receives Ada yet");

    ben.signal.send({ type: "subscribe", participants: [ada.id], screens: [], video: { [ada.id]: "low" } });
    cem.signal.send({ type: "subscribe", participants: [ada.id], screens: [], video: { [ada.id]: "medium" } });
    await Promise.all([ben.barrier(), cem.barrier()]);
    assert.deepEqual(layersTold(ada).at(-1), "medium");
    cem.signal.send({ type: "subscribe", participants: [ada.id], screens: [], video: {} }); // no layer named: the top one
    await cem.barrier();
    assert.deepEqual(layersTold(ada).at(-1), "high");

    cem.signal.close(true);
    await ada.barrier();
    assert.deepEqual(layersTold(ada).at(-1), "low", "Cem left; Ben receives the low layer");
    assert.deepEqual([...layersTold(ben), ...layersTold(cem)], [], "Ben and Cem publish nothing");
  });
});
