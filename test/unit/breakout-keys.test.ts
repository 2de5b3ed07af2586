/**
 * Each breakout room has its own key schedule (E2eeSession.setPeers, as
 * src/client/meeting/breakouts.ts drives it): real sessions in Node, keys
 * through a fake relay. While the rooms are open, a participant's fresh key
 * goes only to the people in the same room and the moderators; someone in
 * another room gets none. Back in one room, everyone holds everyone's key again.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { eventually, meetingOf, relay, type Person } from "../fakes/e2ee-people.js";

/** Who got keys from `person` after the first `from` of their sends. */
const recipients = (person: Person, from: number) => new Set(person.sent.slice(from).map((k) => k.to));

test("open breakout rooms: fresh keys only within the room and with the moderator; back together, everyone's again", async () => {
  const people = await meetingOf("Mo", "Ann", "Ben", "Cem");
  const [mo, ann, ben, cem] = people as [Person, Person, Person, Person];
  const moderator = { ...mo.record, role: "moderator" as const };
  const before = new Map(people.map((p) => [p, p.sent.length]));
  const delivered = relay(people);

  // Ann and Ben in b1, Cem in b2, Mo (moderator) in the main room: who shares keys with whom.
  ann.session.setPeers([moderator, ben.record]);
  ben.session.setPeers([moderator, ann.record]);
  cem.session.setPeers([moderator]);
  mo.session.setPeers([ann.record, ben.record, cem.record]);
  await eventually("fresh keys", () => [ann, ben, cem].every((p) => p.sent.length > before.get(p)!));
  assert.deepEqual(recipients(ann, before.get(ann)!), new Set([mo.id, ben.id]));
  assert.deepEqual(recipients(cem, before.get(cem)!), new Set([mo.id]));
  assert.equal(mo.sent.length, before.get(mo), "the moderator's set did not change: no new key");
  relay(people, delivered);
  const annsNewest = ann.sent.at(-1)!.keyId;
  await eventually("Ben to take Ann's fresh key", () => ben.worker.keysFrom(ann.id).at(-1) === annsNewest);
  assert.ok(!cem.worker.keysFrom(ann.id).includes(annsNewest), "Cem, in another room, has no key for what Ann sends now");
  assert.equal(cem.session.stateOf(ann.id), "waiting");

  // Everyone back in the main room: all share again, with fresh keys.
  const back = new Map(people.map((p) => [p, p.sent.length]));
  for (const p of people) p.session.setPeers(people.filter((q) => q !== p).map((q) => (q === mo ? moderator : q.record)));
  await eventually("fresh keys for everyone", () => [ann, ben, cem].every((p) => recipients(p, back.get(p)!).size === 3));
  relay(people, delivered);
  await eventually("everyone to hold everyone's key", () => people.every((p) => people.every((q) => q === p || p.session.stateOf(q.id) === "encrypted")));
});
