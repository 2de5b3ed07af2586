/**
 * A room that starts again on another node takes its people back: the state
 * its last run kept (RoomRecovery) brings back resume tokens with id, role
 * and key, the moderator keys shut out, the run (promoted keys), the
 * settings and the password's hash, and nothing that names a person.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { LiveRoom, type Member, type RoomContext } from "../../src/meeting/live-room.js";
import { RecoverableState, type RoomRecovery } from "../../src/meeting/recoverable-state.js";
import { RecordingLink, testContext } from "../fakes/room-context.js";

const DAY_MS = 24 * 3600 * 1000;

/** What Redis would be: the last state saved per room, as JSON (as it travels). */
class MemoryRecovery implements RoomRecovery {
  readonly saved = new Map<string, string>();
  saves = 0;
  async load(room: string) {
    const text = this.saved.get(room);
    return text === undefined ? undefined : RecoverableState.parse(JSON.parse(text));
  }
  save(room: string, state: RecoverableState): void {
    this.saves++;
    this.saved.set(room, JSON.stringify(state));
  }
}

/** Two nodes of one service: the same moderator keys, each its own media plane; a lobby. */
const shared = testContext({ policy: { lobby: true } });
const keys = shared.moderatorKeys;
const context = (recovery: RoomRecovery | undefined): RoomContext => ({ ...testContext({ policy: { lobby: true } }), moderatorKeys: keys, ...(recovery ? { recovery } : {}) });

async function enter(live: LiveRoom, name: string, extra: { moderatorKey?: string; resumeToken?: string; password?: string } = {}) {
  const link = new RecordingLink();
  const admission = await live.join({ link, name, address: "a", ...extra });
  if (admission.waiting) return { link, waiting: true as const };
  return { link, member: (await admission.entered) as Member, joined: link.last("joined"), waiting: false as const };
}

describe("a room started again elsewhere", () => {
  test("takes back its people as who they were, with the run, the settings and the password", async () => {
    const recovery = new MemoryRecovery();
    const first = new LiveRoom("aula", context(recovery), () => {});
    const owner = await enter(first, "Olaf Owner", { moderatorKey: keys.issueOwner("aula", DAY_MS) });
    const pia = await enter(first, "Pia", { moderatorKey: keys.issueOwner("aula", DAY_MS) });
    assert.ok(!owner.waiting && !pia.waiting);
    // Pia is demoted (her key is shut out); a guest is let in and promoted (a key for this run).
    await first.moderation.moderate(owner.member, pia.member.id, "demote");
    const guest = await enter(first, "Gabi Gast");
    assert.ok(guest.waiting);
    await first.moderation.admit(owner.member, "all");
    const gabi = guest.link.last("joined");
    await first.moderation.moderate(owner.member, gabi.participantId, "make-moderator");
    const promotedKey = guest.link.last("roleChanged").moderatorKey!;
    await first.moderation.setPassword(owner.member, "geheim");
    await first.moderation.lock(owner.member, true);

    const saved = recovery.saved.get("aula")!;
    for (const text of ["Olaf", "Pia", "Gabi", "geheim", owner.joined.resumeToken]) assert.ok(!saved.includes(text), `the state holds no '${text}'`);

    // The node dies; on another node the room starts with what was kept.
    const second = new LiveRoom("aula", context(recovery), () => {});
    assert.notEqual(second.instance, first.instance, "before it is restored, a fresh room has its own run");
    const ownerBack = await enter(second, "Olaf Owner", { resumeToken: owner.joined.resumeToken });
    assert.ok(!ownerBack.waiting);
    assert.equal(second.instance, first.instance, "the same run of the meeting");
    assert.deepEqual([ownerBack.joined.participantId, ownerBack.joined.role], [owner.joined.participantId, "moderator"]);
    assert.ok(ownerBack.joined.moderatorKey, "the owner's key is renewed");
    const gabiBack = await enter(second, "Gabi Gast", { resumeToken: gabi.resumeToken });
    assert.deepEqual(gabiBack.waiting ? "waiting" : [gabiBack.joined.participantId, gabiBack.joined.role], [gabi.participantId, "moderator"], "a returning guest does not knock again");
    const pk = await enter(second, "Gabi on her phone", { moderatorKey: promotedKey });
    assert.equal(pk.waiting ? "waiting" : pk.joined.role, "moderator", "a promoted key of this run still works");
    await assert.rejects(enter(second, "Pia", { moderatorKey: pia.joined.moderatorKey! }), /locked/, "her key stays shut out, and the meeting stays locked");
    assert.deepEqual(
      ownerBack.link.messages.find((m) => m.type === "roomState"),
      { type: "roomState", locked: true, passwordSet: true, multipleShares: false, e2eeRequired: false },
    );
    await second.moderation.lock(ownerBack.member!, false);
    await assert.rejects(enter(second, "Eve", { password: "falsch" }), /not the meeting's password/, "the password is checked against the kept hash");
    assert.ok((await enter(second, "Paul", { password: "geheim" })).waiting, "the right one still works");
  });

  test("a fresh meeting saves nothing until someone is in it; a single node keeps nothing at all", async () => {
    const recovery = new MemoryRecovery();
    const live = new LiveRoom("neu", context(recovery), () => {});
    await live.queue.run(async () => {});
    assert.equal(recovery.saves, 0);
    await enter(live, "Ada", { moderatorKey: keys.issueOwner("neu", DAY_MS) });
    assert.equal(recovery.saves, 1);

    const alone = new LiveRoom("allein", context(undefined), () => {});
    const ada = await enter(alone, "Ada", { moderatorKey: keys.issueOwner("allein", DAY_MS) });
    assert.equal(ada.waiting, false);
  });
});
