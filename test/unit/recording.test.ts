/**
 * Recording with consent (issue 16), the server's part on the fake media
 * plane: the room knows only that a moderator records and who; everyone in
 * the meeting is told, a newcomer after `joined`, everyone waiting in the
 * lobby by `meetingNotice`; only moderators start it, one at a time; it stops
 * for everyone when the recording moderator leaves or is demoted. Consent
 * answers go sealed to the recording moderator only (content topic
 * `recordingConsent`). The browser's part: test/e2e/recording.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { LiveRoom } from "../../src/meeting/live-room.js";
import { ForbiddenError, RefusedError } from "../../src/meeting/errors.js";
import { Room } from "../../src/meeting/room.js";
import { LocalRoomRegistry } from "../../src/cluster/local-registry.js";
import { RecordingLink, enterRoom, testContext, testRoom, type TestContext } from "../fakes/room-context.js";
import type { RoomPolicy } from "../../src/meeting/room-context.js";
import { PROTOCOL_VERSION } from "../../src/protocol/messages.js";

const ROOM = "room-under-test";
const DAY_MS = 24 * 3600 * 1000;

const setup = (policy: Partial<RoomPolicy> = {}) => testRoom(ROOM, policy);
const enter = enterRoom;
const host = (live: LiveRoom, ctx: TestContext, name = "Host") => enter(live, name, { moderatorKey: ctx.moderatorKeys.issueOwner(ROOM, DAY_MS) });

describe("Room: who records", () => {
  test("a moderator starts: everyone in the meeting hears who, everyone waiting that a recording runs; stopping twice says nothing new", () => {
    const room = new Room();
    room.add("m", "Mo", "moderator");
    room.add("a", "Ann");
    room.knock("w", "Wil", true);
    assert.deepEqual(room.setRecording("m", true), [
      { to: "m", message: { type: "recording", by: "m" } },
      { to: "a", message: { type: "recording", by: "m" } },
      { to: "w", message: { type: "meetingNotice", recording: true } },
    ]);
    assert.equal(room.recordingBy, "m");
    assert.deepEqual(room.setRecording("m", true), [], "nothing changed");
    assert.deepEqual(room.setRecording("a", true), [], "a participant never records");
    assert.equal(room.setRecording("m", false).length, 3);
    assert.deepEqual(room.setRecording("m", false), []);
  });

  test("newcomers are told: in the meeting after their settings, in the lobby with their `lobby`", () => {
    const room = new Room();
    room.add("m", "Mo", "moderator");
    room.setRecording("m", true);
    const { deliveries } = room.add("b", "Ben");
    assert.deepEqual(deliveries.filter((d) => d.to === "b").map((d) => d.message.type), ["roomState", "recording"]);
    assert.deepEqual(room.knock("w", "Wil", false).filter((d) => d.to === "w").map((d) => d.message), [
      { type: "lobby", hostPresent: true },
      { type: "meetingNotice", recording: true },
    ]);
  });

  test("the recording moderator leaves, or is demoted: it stops for everyone; someone else leaving changes nothing", () => {
    const room = new Room();
    room.add("m", "Mo", "moderator");
    room.add("n", "Nia", "moderator");
    room.add("a", "Ann");
    room.setRecording("m", true);
    assert.equal(room.remove("a").filter((d) => d.message.type === "recording").length, 0);
    assert.deepEqual(room.remove("m").filter((d) => d.message.type === "recording"), [{ to: "n", message: { type: "recording", by: null } }]);
    assert.equal(room.recordingBy, null);
    room.setRecording("n", true);
    assert.deepEqual(room.demote("n").filter((d) => d.message.type === "recording"), [{ to: "n", message: { type: "recording", by: null } }]);
  });
});

describe("LiveRoom: recording", () => {
  test("only moderators start it, one at a time; any moderator may stop it", async () => {
    const { ctx, live } = setup();
    const mo = await host(live, ctx, "Mo");
    const nia = await host(live, ctx, "Nia");
    const ann = await enter(live, "Ann");
    await assert.rejects(live.moderation.record(ann.member, true), ForbiddenError);
    await live.moderation.record(mo.member, true);
    assert.deepEqual(ann.link.last("recording"), { type: "recording", by: mo.member.id });
    await assert.rejects(live.moderation.record(nia.member, true), (e: unknown) => e instanceof RefusedError && e.code === "out-of-order");
    await live.moderation.record(nia.member, false);
    assert.deepEqual(ann.link.last("recording"), { type: "recording", by: null });
  });

  test("the recording moderator's connection goes: everyone hears it stopped; the registry answers the pre-join question", async () => {
    const ctx = testContext();
    const registry = new LocalRoomRegistry({ context: ctx, maxRooms: 10 });
    assert.equal(await registry.recording(ROOM), false, "a meeting that does not run");
    const moLink = new RecordingLink();
    const moSignal = registry.connect({ type: "join", version: PROTOCOL_VERSION, room: ROOM, name: "Mo", moderatorKey: ctx.moderatorKeys.issueOwner(ROOM, DAY_MS) }, "192.0.2.1", moLink);
    await moLink.waitFor("joined");
    const annLink = new RecordingLink();
    registry.connect({ type: "join", version: PROTOCOL_VERSION, room: ROOM, name: "Ann" }, "192.0.2.2", annLink);
    await annLink.waitFor("joined");
    moSignal.send({ type: "record", on: true });
    await annLink.waitFor("recording", (m) => m.by !== null);
    assert.equal(await registry.recording(ROOM), true);
    moSignal.close(false);
    await annLink.waitFor("recording", (m) => m.by === null);
    assert.equal(await registry.recording(ROOM), false);
  });

  test("a consent answer goes to the recording moderator only, as it came (sealed: the server cannot read it)", async () => {
    const { ctx, live } = setup();
    const mo = await host(live, ctx, "Mo");
    const ann = await enter(live, "Ann");
    const ben = await enter(live, "Ben");
    await live.moderation.record(mo.member, true);
    live.relay.content(ann.member, { topic: "recordingConsent", to: mo.member.id, data: "c2VhbGVk", keyId: 2 });
    assert.deepEqual(mo.link.last("content"), { type: "content", from: ann.member.id, topic: "recordingConsent", to: mo.member.id, data: "c2VhbGVk", keyId: 2, at: mo.link.last("content").at });
    assert.equal(ben.link.all("content").length, 0);
  });
});
