/**
 * E2eeSession's rules against a server that misbehaves, in Node: two (or
 * three) sessions whose sealed keys travel through a fake relay the test
 * controls, each with a fake frame worker that records what it is told.
 * A replayed key (also after a forged leave and return) changes nothing; a
 * verified person's new identity key stops all exchange until verified again.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createIdentity } from "../../src/client/e2ee/keys.js";
import { eventually, meetingOf, relay, type Person, type Sealed } from "../fakes/e2ee-people.js";

/** Sends Ann's next key to Ben (someone arrived and left again), and waits until Ben took it: everything Ben was given before has been handled. */
async function nextKeyArrives(ann: Person, ben: Person, delivered: Set<Sealed>): Promise<void> {
  const taken = ben.worker.keysFrom(ann.id).length;
  const cem = { ...ben.record, id: `p${taken + 7}`, name: "Cem", publicKey: (await createIdentity()).publicKey };
  for (const person of [ann, ben]) person.session.participantJoined(cem);
  for (const person of [ann, ben]) person.session.participantLeft(cem.id);
  await eventually("Ann's next keys to be sealed", () => ann.sent.some((k) => k.to === ben.id && !delivered.has(k)));
  relay([ann, ben], delivered);
  await eventually("Ben to take Ann's next key", () => ben.worker.keysFrom(ann.id).length > taken);
}

describe("E2eeSession against a misbehaving server", () => {
  test("a key the server replays is refused, even after a forged leave and return of its sender", async () => {
    const [ann, ben] = await meetingOf("Ann", "Ben");
    const delivered = new Set([...ann!.sent, ...ben!.sent]);
    const first = ann!.sent.find((k) => k.to === ben!.id)!;
    const takenBefore = ben!.worker.keysFrom(ann!.id);

    // The same sealed key again, then a genuine newer one: only the newer one reaches the worker.
    ben!.session.receiveKey(first.from, first.keyId, first.sealed);
    await nextKeyArrives(ann!, ben!, delivered);
    const afterReplay = ben!.worker.keysFrom(ann!.id);
    assert.equal(afterReplay.length, takenBefore.length + 1, `the replay reached the frame worker (${afterReplay})`);

    // The server pretends Ann left and came back with the same identity, then replays her old key.
    ben!.session.participantLeft(ann!.id);
    ben!.session.participantJoined(ann!.record);
    ben!.session.receiveKey(first.from, first.keyId, first.sealed);
    await nextKeyArrives(ann!, ben!, delivered);
    assert.equal(ben!.worker.keysFrom(ann!.id).length, afterReplay.length + 1, "a forged return made an old key acceptable again");
  });

  test("a reload keeps the epochs rising: the reloaded sender's keys are taken", async () => {
    const [ann, ben] = await meetingOf("Ann", "Ben");
    const before = ben!.worker.keysFrom(ann!.id).length;
    // Ann reloads: a new page, the same kept identity, joining again.
    ann!.start();
    ann!.sent.length = 0;
    ann!.session.joined(ann!.id, [ben!.record]);
    ben!.session.participantLeft(ann!.id);
    ben!.session.participantJoined(ann!.record);
    await eventually("the reloaded page's key", () => ann!.sent.length > 0);
    relay([ann!, ben!]);
    await eventually("Ben to take it", () => ben!.worker.keysFrom(ann!.id).length > before);
    assert.equal(ben!.session.stateOf(ann!.id), "encrypted");
  });

  test("verified, then the identity key changes: a loud state, and nothing is exchanged until verified again", async () => {
    const [ann, ben] = await meetingOf("Ann", "Ben");
    ann!.session.markVerified(ben!.id);
    assert.equal(ann!.session.stateOf(ben!.id), "verified");

    // The server announces Ben with another identity key (a man in the middle), and "Ben" under another id too.
    const mallory = await createIdentity();
    const sentBefore = ann!.sent.length;
    ann!.session.participantUpdated({ ...ben!.record, publicKey: mallory.publicKey });
    ann!.session.participantJoined({ ...ben!.record, id: "p9", publicKey: mallory.publicKey });
    assert.equal(ann!.session.stateOf(ben!.id), "changed");
    assert.equal(ann!.session.stateOf("p9"), "changed");
    assert.equal(ann!.session.isVerified(ben!.id), false);

    // Ann compares the code with the new key and it matches: keys flow again, to Ben only.
    ann!.session.markVerified(ben!.id);
    assert.equal(ann!.session.stateOf(ben!.id), "waiting");
    await eventually("a key for Ben", () => ann!.sent.slice(sentBefore).some((k) => k.to === ben!.id));
    const sealedTo = new Set(ann!.sent.slice(sentBefore).map((k) => k.to));
    assert.ok(!sealedTo.has("p9"), "a key was sealed to the unverified new identity");
  });
});
