/**
 * The moderator tools of issue 13 on the fake media plane: mute everyone
 * else (held at the media server), lower all hands, ask to unmute (a request
 * only), stop someone's screen share, how newcomers start, and the note to
 * the lobby. The real-Janus proof that the audio stops is
 * test/e2e/moderator-tools.test.ts.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { LiveRoom, Member } from "../../src/meeting/live-room.js";
import { ForbiddenError } from "../../src/meeting/errors.js";
import type { RoomPolicy } from "../../src/meeting/room-context.js";
import { CAMERA_OFFER, SCREEN_OFFER, type FakeMediaParticipant } from "../fakes/media-plane.js";
import { RecordingLink, enterRoom, testRoom, type TestContext } from "../fakes/room-context.js";
import { captureState, restoreState } from "../../src/meeting/recoverable-state.js";

const ROOM = "room-under-test";
const DAY_MS = 24 * 3600 * 1000;

const setup = (policy: Partial<RoomPolicy> = {}) => testRoom(ROOM, policy);
const enter = enterRoom;

const host = (live: LiveRoom, ctx: TestContext) => enter(live, "Host", { moderatorKey: ctx.moderatorKeys.issueOwner(ROOM, DAY_MS) });
const mediaOf = (member: Member) => member.media.participant as FakeMediaParticipant;

describe("moderator tools for everyone at once", () => {
  test("mute everyone else: each unmuted participant is told and held at the media server; the moderator is not muted", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada");
    const ben = await enter(live, "Ben");
    for (const m of [mod, ada, ben]) await live.publish(m.member, CAMERA_OFFER);
    live.setMediaState(ben.member, false, true); // Ben is muted already
    await ben.member.media.muting;
    ben.link.drain();

    await live.moderation.moderateAll(mod.member, "mute-audio");
    for (const m of [mod, ada, ben]) await m.member.media.muting;
    assert.deepEqual(ada.link.last("moderated"), { type: "moderated", action: "mute-audio" });
    assert.equal(ben.link.all("moderated").length, 0, "someone muted already is not told again");
    assert.deepEqual(mediaOf(ada.member).muted, { audio: true, video: false });
    assert.deepEqual(mediaOf(ben.member).muted, { audio: true, video: false });
    assert.deepEqual(mediaOf(mod.member).mutes, [], "the moderator keeps talking");
    assert.equal(mod.link.all("participantUpdated").filter((m) => m.participant.id === ada.member.id && !m.participant.audio).length, 1);

    // Unmuting themselves is allowed, and lifts it at the media server.
    live.setMediaState(ada.member, true, true);
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).muted, { audio: false, video: false });
  });

  test("ask everyone to unmute: only the muted get the request, and nothing is switched on", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada");
    const ben = await enter(live, "Ben");
    await live.publish(ada.member, CAMERA_OFFER);
    live.setMediaState(ada.member, false, true);
    await ada.member.media.muting;
    await live.moderation.moderateAll(mod.member, "ask-unmute");
    assert.deepEqual(ada.link.last("moderated"), { type: "moderated", action: "ask-unmute" });
    assert.equal(ben.link.all("moderated").length, 0);
    assert.equal(mod.link.all("moderated").length, 0);
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).muted, { audio: true, video: false }, "still muted at the media server");
    assert.equal(live.room.get(ada.member.id)!.audio, false);
  });

  test("lower all hands: every raised hand goes down, everyone sees it", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada");
    const ben = await enter(live, "Ben");
    live.relay.raiseHand(ada.member, true);
    live.relay.raiseHand(ben.member, true);
    await live.moderation.moderateAll(mod.member, "lower-hands");
    assert.deepEqual(live.room.list().map((p) => p.hand), [null, null, null]);
    assert.deepEqual(mod.link.all("participantUpdated").slice(-2).map((m) => [m.participant.name, m.participant.hand]), [["Ada", null], ["Ben", null]]);
  });

  test("participants may not use them: forbidden, and nothing happens", async () => {
    const { ctx, live } = setup();
    await host(live, ctx);
    const ada = await enter(live, "Ada");
    const ben = await enter(live, "Ben");
    live.relay.raiseHand(ben.member, true);
    for (const action of ["mute-audio", "lower-hands", "ask-unmute"] as const) {
      await assert.rejects(live.moderation.moderateAll(ada.member, action), ForbiddenError);
    }
    await assert.rejects(live.moderation.setNewcomerDefaults(ada.member, { muteMicrophones: true, cameraOff: true }), ForbiddenError);
    await assert.rejects(live.moderation.messageLobby(ada.member, "hi"), ForbiddenError);
    await assert.rejects(live.moderation.moderate(ada.member, ben.member.id, "stop-screen"), ForbiddenError);
    assert.equal(live.room.get(ben.member.id)!.hand !== null, true);
    assert.equal(ben.link.all("moderated").length, 0);
    assert.deepEqual(live.room.newcomerDefaults, { muteMicrophones: false, cameraOff: false });
  });
});

describe("stop someone's screen share", () => {
  test("the share ends at the media server; the sharer is told; the others see screen: false", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada");
    await live.publishScreen(ada.member, SCREEN_OFFER);
    assert.ok(ada.member.media.screen);
    await live.moderation.moderate(mod.member, ada.member.id, "stop-screen");
    assert.equal(ada.member.media.screen, undefined);
    assert.deepEqual(ada.link.last("moderated"), { type: "moderated", action: "stop-screen" });
    assert.equal(live.room.get(ada.member.id)!.screen, false);
    // Nobody sharing: nothing to stop, nothing said.
    await live.moderation.moderate(mod.member, ada.member.id, "stop-screen");
    assert.equal(ada.link.all("moderated").length, 1);
  });
});

describe("how newcomers start", () => {
  test("participants who join later start muted and with the camera off, held at the media server; moderators and those already in are not", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const early = await enter(live, "Early");
    await live.moderation.setNewcomerDefaults(mod.member, { muteMicrophones: true, cameraOff: true });
    assert.deepEqual(mod.link.last("newcomerDefaults"), { type: "newcomerDefaults", muteMicrophones: true, cameraOff: true });
    assert.equal(early.link.all("newcomerDefaults").length, 0, "only moderators see the setting");

    const late = await enter(live, "Late");
    assert.deepEqual(late.link.last("joined").startWith, { audio: false, video: false });
    const seen = mod.link.last("participantJoined").participant;
    assert.deepEqual([seen.audio, seen.video], [false, false]);
    await live.publish(late.member, CAMERA_OFFER);
    await late.member.media.muting;
    assert.deepEqual(mediaOf(late.member).muted, { audio: true, video: true }, "nothing reaches the others until they switch on");
    live.setMediaState(late.member, true, false);
    await late.member.media.muting;
    assert.deepEqual(mediaOf(late.member).muted, { audio: false, video: true });

    const second = await host(live, ctx);
    assert.equal(second.link.last("joined").startWith, undefined, "a moderator starts as they like");
    assert.deepEqual(second.link.last("newcomerDefaults"), { type: "newcomerDefaults", muteMicrophones: true, cameraOff: true }, "and sees the setting");
    assert.equal(early.link.all("moderated").length, 0);

    // Coming back after a reload is not joining anew.
    const back = await enter(live, "Late", { resumeToken: late.link.last("joined").resumeToken });
    assert.equal(back.link.last("joined").startWith, undefined);

    await live.moderation.setNewcomerDefaults(mod.member, { muteMicrophones: false, cameraOff: false });
    assert.equal((await enter(live, "Later")).link.last("joined").startWith, undefined);
  });
});

describe("how newcomers start, after the room moved to another node", () => {
  test("the setting is kept with the room's recoverable state, and only when set", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    assert.equal(captureState(live).newcomers, undefined);
    await live.moderation.setNewcomerDefaults(mod.member, { muteMicrophones: true, cameraOff: false });
    const state = captureState(live);
    assert.deepEqual(state.newcomers, { muteMicrophones: true, cameraOff: false });
    const { live: moved } = setup();
    restoreState(moved, state);
    assert.deepEqual((await enter(moved, "Ada")).link.last("joined").startWith, { audio: false, video: true });
  });
});

describe("a note to the lobby", () => {
  test("everyone waiting gets it; nobody in the meeting does", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const link = new RecordingLink();
    const admission = await live.join({ link, name: "Gus", address: "192.0.2.9" });
    assert.equal(admission.waiting, true);
    await live.moderation.messageLobby(mod.member, "Five more minutes");
    const note = link.last("lobbyMessage");
    assert.equal(note.text, "Five more minutes");
    assert.equal(typeof note.at, "number");
    assert.equal(mod.link.all("lobbyMessage").length, 0);
  });
});
