/**
 * LiveRoom on the fake media plane: who gets in and how (lobby, resume
 * tokens, moderator keys, lock, password, E2EE required), what moderators
 * can do, what the media server is asked to do, and that a finished meeting
 * leaves nothing behind. No sockets, no Janus: milliseconds.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { CloseCode } from "../../src/protocol/messages.js";
import { LiveRoom, type Admission, type JoinRequest, type Member } from "../../src/meeting/live-room.js";
import { ForbiddenError, ParticipantNotFoundError, RefusedError, RoomClosedError } from "../../src/meeting/errors.js";
import { MediaError } from "../../src/media/media-plane.js";
import type { RoomPolicy } from "../../src/meeting/room-context.js";
import { KeyedBuckets } from "../../src/common/per-key.js";
import { CAMERA_OFFER, SCREEN_OFFER, type FakeMediaParticipant } from "../fakes/media-plane.js";
import { RecordingLink, publicKey, testContext, type TestContext } from "../fakes/room-context.js";

const ROOM = "room-under-test";
const DAY_MS = 24 * 3600 * 1000;

interface Setup {
  ctx: TestContext;
  live: LiveRoom;
  /** How often the room said it closed. */
  closings: () => number;
}

function setup(policy: Partial<RoomPolicy> = {}, ctx: TestContext = testContext({ policy })): Setup {
  let closings = 0;
  const live = new LiveRoom(ROOM, ctx, () => closings++);
  return { ctx, live, closings: () => closings };
}

type Extra = Partial<Omit<JoinRequest, "link" | "name">>;

async function ask(live: LiveRoom, name: string, extra: Extra = {}): Promise<{ link: RecordingLink; admission: Admission }> {
  const link = new RecordingLink();
  const admission = await live.join({ link, name, address: "192.0.2.1", ...extra });
  return { link, admission };
}

/** Someone who comes straight in. */
async function enter(live: LiveRoom, name: string, extra: Extra = {}): Promise<{ link: RecordingLink; member: Member }> {
  const { link, admission } = await ask(live, name, extra);
  assert.equal(admission.waiting, false, `${name} came straight in`);
  return { link, member: await admission.entered };
}

/** Someone who waits in the lobby; `id` is their participant id there. */
async function knock(live: LiveRoom, name: string, extra: Extra = {}): Promise<{ link: RecordingLink; admission: Admission; id: string }> {
  const { link, admission } = await ask(live, name, extra);
  assert.equal(admission.waiting, true, `${name} waits in the lobby`);
  return { link, admission, id: [...live.waiters.keys()].at(-1)! };
}

const ownerKey = (ctx: TestContext) => ctx.moderatorKeys.issueOwner(ROOM, DAY_MS);
const host = (live: LiveRoom, ctx: TestContext) => enter(live, "Host", { moderatorKey: ownerKey(ctx) });
const mediaOf = (member: Member) => member.media.participant as FakeMediaParticipant;

async function refusal(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof RefusedError, `refused with a code, got ${String(error)}`);
  return error.code;
}

describe("joining", () => {
  test("the first join makes the media room; joined carries id, role, resume token and TURN servers; the others hear of the newcomer", async () => {
    const { ctx, live } = setup();
    const ada = await enter(live, "Ada");
    assert.equal(ctx.mediaPlane.openRooms, 1);
    const joined = ada.link.last("joined");
    assert.deepEqual([joined.participantId, joined.role, joined.participants, joined.moderatorKey], [ada.member.id, "participant", [], undefined]);
    assert.match(joined.resumeToken, /^[\w-]{22}$/);
    assert.equal(joined.iceServers[0]?.username, "u", "TURN credentials come with joined");
    assert.deepEqual(ada.link.types, ["joined", "roomState"]);

    const ben = await enter(live, "Ben", { publicKey: publicKey(2) });
    assert.deepEqual(ben.link.last("joined").participants.map((p) => p.name), ["Ada"]);
    assert.deepEqual(ada.link.last("participantJoined").participant, { id: ben.member.id, name: "Ben", role: "participant", audio: true, video: true, publishing: false, screen: false, hand: null, publicKey: publicKey(2) });
    assert.equal(ctx.mediaPlane.rooms.length, 1, "one media room for the meeting");
    assert.equal(ctx.mediaPlane.openParticipants, 2);
  });

  test("with the lobby on a guest waits, with no media, until a moderator admits them; the moderators follow the lobby", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    assert.deepEqual(mod.link.types, ["joined", "roomState", "lobbyChanged"]);
    const gus = await knock(live, "Gus", { publicKey: publicKey(1) });
    assert.deepEqual(gus.link.messages, [{ type: "lobby", hostPresent: true }]);
    assert.deepEqual(mod.link.last("lobbyJoined").entry, { id: gus.id, name: "Gus", e2ee: true });
    assert.equal(ctx.mediaPlane.openParticipants, 1, "a guest in the lobby has nothing at the media server");

    await live.moderation.admit(mod.member, [gus.id]);
    const member = await gus.admission.entered;
    assert.equal(member.id, gus.id);
    assert.deepEqual(gus.link.types, ["lobby", "joined", "roomState"]);
    assert.deepEqual(mod.link.last("lobbyLeft"), { type: "lobbyLeft", participantId: gus.id });
    assert.equal(mod.link.last("participantJoined").participant.name, "Gus");
    assert.equal(ctx.mediaPlane.openParticipants, 2);
  });

  test("refuse: farewell and 4003 for the guest, whose wait ends; the lobby empties; only moderators may", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const pat = await enter(live, "Pat", { moderatorKey: ownerKey(ctx) });
    await live.moderation.moderate(mod.member, pat.member.id, "demote");
    const gus = await knock(live, "Gus");
    await assert.rejects(live.moderation.refuse(pat.member, gus.id), ForbiddenError);
    await live.moderation.refuse(mod.member, gus.id);
    assert.deepEqual(gus.link.last("farewell"), { type: "farewell", reason: "refused" });
    assert.equal(gus.link.closedWith?.code, CloseCode.farewell);
    assert.equal(await refusal(gus.admission.entered), "not-joined");
    assert.equal(live.waiters.size, 0);
    assert.equal(mod.link.last("lobbyLeft").participantId, gus.id);
  });

  test("a full lobby refuses the next guest with lobby-full; knocks are limited per address", async () => {
    const { live } = setup({ lobby: true, maxWaiting: 2 }, testContext({ policy: { lobby: true, maxWaiting: 2 }, knocks: new KeyedBuckets(1, 0.001) }));
    await knock(live, "G1");
    assert.equal(await refusal(ask(live, "G2", { address: "192.0.2.1" })), "rate-limited");
    await knock(live, "G2", { address: "198.51.100.7" });
    assert.equal(await refusal(ask(live, "G3", { address: "203.0.113.9" })), "lobby-full");
  });

  test("a media failure on the first join is the caller's error, and the empty room closes instead of lingering", async () => {
    const { ctx, live, closings } = setup();
    ctx.mediaPlane.failNext("join");
    await assert.rejects(ask(live, "Ada"), MediaError);
    assert.equal(live.isClosed, true);
    assert.equal(closings(), 1);
    assert.deepEqual([ctx.mediaPlane.openRooms, ctx.mediaPlane.openParticipants], [0, 0]);
    await assert.rejects(ask(live, "Ben"), RoomClosedError, "the registry makes a fresh room for the next join");
  });
});

describe("resume tokens", () => {
  test("a reload with the latest token comes back with the same id and role past the lobby; the old connection is closed with 4001", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const gus = await knock(live, "Gus");
    await live.moderation.admit(mod.member, "all");
    const before = await gus.admission.entered;
    const token = gus.link.last("joined").resumeToken;

    const again = await enter(live, "Gus", { resumeToken: token });
    assert.equal(again.member.id, before.id);
    assert.equal(again.link.last("joined").role, "participant");
    assert.deepEqual(gus.link.closedWith, { code: CloseCode.replaced, reason: "replaced by a newer connection" });
    assert.deepEqual(mod.link.messages.slice(-2).map((m) => m.type), ["participantLeft", "participantJoined"]);
    assert.throws(() => live.current(before), ParticipantNotFoundError, "the replaced connection can no longer act");
    await assert.rejects(async () => live.publish(before, CAMERA_OFFER), ParticipantNotFoundError);

    // A token is good once: the old one now knocks like anyone.
    await knock(live, "Gus", { resumeToken: token });
  });

  test("someone who left on purpose, or was removed, must knock again", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    for (const how of ["left", "removed"] as const) {
      const guest = await knock(live, how);
      await live.moderation.admit(mod.member, [guest.id]);
      const member = await guest.admission.entered;
      const token = guest.link.last("joined").resumeToken;
      if (how === "left") await live.leave(member.id, guest.link, { forget: true });
      else await live.moderation.moderate(mod.member, member.id, "remove");
      const back = await knock(live, how, { resumeToken: token });
      await live.moderation.refuse(mod.member, back.id);
    }
    assert.equal(mod.link.all("participantLeft").length, 2);
  });
});

describe("moderator keys", () => {
  test("an owner key enters as moderator past lobby and lock, and joined renews it under the same id", async () => {
    const { ctx, live } = setup({ lobby: true });
    const key = ownerKey(ctx);
    const first = await enter(live, "Host", { moderatorKey: key });
    await live.moderation.lock(first.member, true);
    const second = await enter(live, "Host again", { moderatorKey: key });
    const renewed = second.link.last("joined").moderatorKey!;
    assert.equal(second.link.last("joined").role, "moderator");
    assert.equal(ctx.moderatorKeys.verify(ROOM, renewed)?.id, ctx.moderatorKeys.verify(ROOM, key)?.id);
    assert.equal(ctx.moderatorKeys.verify(ROOM, renewed)?.grant, "owner");
    assert.equal(ctx.moderatorKeys.verify("another-room", renewed), undefined, "a key is good for its own room only");
  });

  test("a promoted moderator's key is their own, bound to this run of the meeting: a new run after everyone left takes it for a guest's", async () => {
    const ctx = testContext({ policy: { lobby: true } });
    const { live } = setup({}, ctx);
    const mod = await host(live, ctx);
    const pat = await knock(live, "Pat");
    await live.moderation.admit(mod.member, [pat.id]);
    const patMember = await pat.admission.entered;
    await live.moderation.moderate(mod.member, pat.id, "make-moderator");
    const changed = pat.link.last("roleChanged");
    assert.equal(changed.role, "moderator");
    const claims = ctx.moderatorKeys.verify(ROOM, changed.moderatorKey)!;
    assert.deepEqual([claims.grant, claims.instance], ["promoted", live.instance]);
    assert.notEqual(claims.id, ctx.moderatorKeys.verify(ROOM, mod.link.last("joined").moderatorKey)!.id, "not the owner's key");
    assert.ok(claims.expiresAt <= Date.now() + ctx.policy.promotedKeyLifetimeMs);

    // In this run, the key lets Pat in as moderator from another tab.
    const tab = await enter(live, "Pat", { moderatorKey: changed.moderatorKey! });
    assert.equal(tab.link.last("joined").role, "moderator");

    for (const [member, link] of [[mod.member, mod.link], [patMember, pat.link], [tab.member, tab.link]] as const) await live.leave(member.id, link);
    assert.equal(live.isClosed, true);
    const next = setup({}, ctx).live;
    assert.notEqual(next.instance, live.instance);
    await knock(next, "Pat", { moderatorKey: changed.moderatorKey! });
  });

  test("demote takes the rights away at once and shuts that key out; other keys still work; nobody demotes themselves", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const pat = await enter(live, "Pat", { moderatorKey: ownerKey(ctx) });
    const patKey = pat.link.last("joined").moderatorKey!;
    assert.equal(await refusal(live.moderation.moderate(mod.member, mod.member.id, "demote")), "forbidden");

    await live.moderation.moderate(mod.member, pat.member.id, "demote");
    assert.deepEqual(pat.link.last("roleChanged"), { type: "roleChanged", role: "participant" });
    assert.equal(mod.link.last("participantUpdated").participant.role, "participant");
    await assert.rejects(live.moderation.lock(pat.member, true), ForbiddenError);
    await knock(live, "Pat", { moderatorKey: patKey });
    // A reload with the resume token comes back as what Pat is now.
    const reload = await enter(live, "Pat", { resumeToken: pat.link.last("joined").resumeToken });
    assert.equal(reload.link.last("joined").role, "participant");
    assert.equal(reload.link.last("joined").moderatorKey, undefined);
    assert.equal((await enter(live, "Host 2", { moderatorKey: ownerKey(ctx) })).link.last("joined").role, "moderator");
  });

  test("a removed moderator's key stays out for the rest of the meeting", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const patKey = ownerKey(ctx);
    const pat = await enter(live, "Pat", { moderatorKey: patKey });
    await live.moderation.moderate(mod.member, pat.member.id, "remove");
    assert.deepEqual([pat.link.last("farewell").reason, pat.link.closedWith?.code], ["removed", CloseCode.farewell]);
    assert.equal(ctx.mediaPlane.participants.filter((p) => !p.left).length, 1, "the removed moderator's media is gone");
    await knock(live, "Pat", { moderatorKey: patKey });
  });
});

describe("meeting settings", () => {
  test("lock: guests are refused with locked; moderators with a key still get in", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    await live.moderation.lock(mod.member, true);
    assert.equal(mod.link.last("roomState").locked, true);
    assert.equal(await refusal(ask(live, "Gus")), "locked");
    await enter(live, "Host 2", { moderatorKey: ownerKey(ctx) });
    await live.moderation.lock(mod.member, false);
    await enter(live, "Gus");
  });

  test("password: missing, wrong and too many are refused; the right one lets in; moderators need none", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    await live.moderation.setPassword(mod.member, "open sesame");
    assert.equal(mod.link.last("roomState").passwordSet, true);
    assert.equal(await refusal(ask(live, "Gus")), "password-required");
    assert.equal(await refusal(ask(live, "Gus", { password: "open sesam" })), "wrong-password");
    assert.equal(ctx.passwordAttempts.size, 1, "the wrong guess counts against the address");
    await enter(live, "Gus", { password: "open sesame" });
    await enter(live, "Host 2", { moderatorKey: ownerKey(ctx) });
    for (let i = 0; i < 5; i++) ctx.passwordAttempts.failed("198.51.100.7");
    assert.equal(await refusal(ask(live, "Eve", { password: "open sesame", address: "198.51.100.7" })), "too-many-attempts");
    await live.moderation.setPassword(mod.member, null);
    await enter(live, "Eve", { address: "198.51.100.7" });
  });

  test("E2EE required: a join without a public key is refused, moderators included; waiting guests without one are turned away at once", async () => {
    const { ctx, live } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const plain = await knock(live, "Plain");
    const keyed = await knock(live, "Keyed", { publicKey: publicKey(3) });
    await live.moderation.requireE2ee(mod.member, true);
    assert.equal(mod.link.last("roomState").e2eeRequired, true);
    assert.deepEqual(plain.link.last("error"), { type: "error", code: "e2ee-required", message: "this meeting admits only browsers that encrypt end to end", inReplyTo: "join" });
    assert.equal(await refusal(plain.admission.entered), "e2ee-required");
    assert.deepEqual([...live.waiters.keys()], [keyed.id]);
    assert.equal(await refusal(ask(live, "Late")), "e2ee-required");
    assert.equal(await refusal(ask(live, "Mod", { moderatorKey: ownerKey(ctx) })), "e2ee-required");
    await enter(live, "Mod", { moderatorKey: ownerKey(ctx), publicKey: publicKey(4) });
  });

  test("the server's E2EE policy binds every meeting: required refuses plain joins, off lets no moderator require it", async () => {
    const required = setup({ e2ee: "required" });
    assert.equal(await refusal(ask(required.live, "Ada")), "e2ee-required");
    const mod = await host(required.live, required.ctx).catch(() => undefined);
    assert.equal(mod, undefined, "not even a moderator without a key");
    const off = setup({ e2ee: "off" });
    const offHost = await host(off.live, off.ctx);
    assert.equal(await refusal(off.live.moderation.requireE2ee(offHost.member, true)), "forbidden");
  });
});

describe("media", () => {
  test("publishing: the answer comes from the media server; once it is up the others see publishing, and subscribe gets them", async () => {
    const { live } = setup();
    const ada = await enter(live, "Ada");
    const ben = await enter(live, "Ben");
    assert.match(await live.publish(ada.member, CAMERA_OFFER), /^fake-answer/);
    mediaOf(ada.member).startPublishing();
    assert.equal(ben.link.last("participantUpdated").participant.publishing, true);
    assert.deepEqual(await live.subscribe(ben.member, [ada.member.id, "nobody"], [], { [ada.member.id]: "medium" }), ["nobody"]);
    const feed = mediaOf(ada.member).feedId;
    assert.deepEqual(mediaOf(ben.member).subscribed, [{ feed, mid: "0" }, { feed, mid: "1", substream: 1 }]);
    assert.deepEqual(ben.link.last("subscriberOffer").streams, [
      { mid: "0", kind: "audio", participantId: ada.member.id, source: "camera" },
      { mid: "1", kind: "video", participantId: ada.member.id, source: "camera" },
    ]);
    await live.answerSubscription(ben.member, "answer");
    assert.deepEqual(mediaOf(ben.member).answers, ["answer"]);
    await live.subscribe(ben.member, [ada.member.id], [], { [ada.member.id]: "off" });
    assert.deepEqual(mediaOf(ben.member).subscribed, [{ feed, mid: "0" }], "off: audio only");
    mediaOf(ada.member).dropPublisher();
    assert.equal(ben.link.last("participantUpdated").participant.publishing, false);
  });

  test("mute and camera-off are enforced at the media server, also for what is published later; switching on again lifts it", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada");
    live.setMediaState(ada.member, true, false); // camera off before publishing: nothing to tell the media server yet
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).mutes, []);
    await live.publish(ada.member, CAMERA_OFFER);
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).mutes, [{ kind: "video", muted: true }]);

    await live.moderation.moderate(mod.member, ada.member.id, "mute-audio");
    assert.deepEqual(ada.link.last("moderated"), { type: "moderated", action: "mute-audio" });
    assert.equal(mod.link.last("participantUpdated").participant.audio, false);
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).muted, { audio: true, video: true });

    live.setMediaState(ada.member, true, true);
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).muted, { audio: false, video: false });
    await assert.rejects(live.moderation.moderate(ada.member, mod.member.id, "mute-audio"), ForbiddenError);
  });

  test("a failed mute at the media server is logged, and the meeting goes on", async () => {
    const { ctx, live } = setup();
    const ada = await enter(live, "Ada");
    await live.publish(ada.member, CAMERA_OFFER);
    ctx.mediaPlane.failNext("mute");
    live.setMediaState(ada.member, false, true);
    await ada.member.media.muting;
    assert.deepEqual(ctx.log.lines.map((l) => l.msg), ["media mute failed"]);
    live.setMediaState(ada.member, false, false);
    await ada.member.media.muting;
    assert.deepEqual(mediaOf(ada.member).muted, { audio: false, video: true });
  });

  test("screen share: one at a time unless a moderator allows more; stopping, or the screen's connection dropping, frees the slot", async () => {
    const { ctx, live } = setup();
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada");
    const ben = await enter(live, "Ben");
    assert.match(await live.publishScreen(ada.member, SCREEN_OFFER), /^fake-answer/);
    const screen = ada.member.media.screen as FakeMediaParticipant;
    screen.startPublishing();
    assert.equal(ben.link.last("participantUpdated").participant.screen, true);
    assert.equal(await refusal(live.publishScreen(ben.member, SCREEN_OFFER)), "screen-busy");

    await live.stopScreen(ada.member);
    assert.equal(screen.left, true);
    assert.equal(ben.link.last("participantUpdated").participant.screen, false);
    await live.publishScreen(ben.member, SCREEN_OFFER);
    (ben.member.media.screen as FakeMediaParticipant).dropPublisher();
    await live.queue.run(async () => {});
    assert.equal(ben.member.media.screen, undefined, "a screen whose connection went down is over");

    await live.moderation.allowMultipleShares(mod.member, true);
    await live.publishScreen(ada.member, SCREEN_OFFER);
    await live.publishScreen(ben.member, SCREEN_OFFER);
    assert.ok(ada.member.media.screen && ben.member.media.screen);
  });
});

describe("lifetime", () => {
  test("the last one out closes the room once and destroys the media room: nothing is left", async () => {
    const { ctx, live, closings } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada", { moderatorKey: ownerKey(ctx) });
    await live.publishScreen(ada.member, SCREEN_OFFER);
    const gus = await knock(live, "Gus");
    await live.leave(mod.member.id, mod.link);
    await live.leave(ada.member.id, ada.link);
    assert.equal(live.isClosed, false, "someone still waits in the lobby");
    assert.equal(gus.link.last("lobby").hostPresent, false);
    gus.admission.cancel();
    await live.queue.run(async () => {});
    assert.equal(live.isClosed, true);
    assert.equal(closings(), 1);
    assert.deepEqual([ctx.mediaPlane.openRooms, ctx.mediaPlane.openParticipants], [0, 0]);
    await live.leave(ada.member.id, ada.link);
    assert.equal(closings(), 1, "closing is once");
  });

  test("endMeeting: farewell and 4003 for everyone, the lobby included; the media room is destroyed", async () => {
    const { ctx, live, closings } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const ada = await enter(live, "Ada", { moderatorKey: ownerKey(ctx) });
    const gus = await knock(live, "Gus");
    await live.moderation.end(mod.member);
    for (const link of [mod.link, ada.link, gus.link]) {
      assert.deepEqual(link.last("farewell"), { type: "farewell", reason: "ended" });
      assert.equal(link.closedWith?.code, CloseCode.farewell);
    }
    await assert.rejects(gus.admission.entered, RoomClosedError);
    assert.deepEqual([closings(), ctx.mediaPlane.openRooms, ctx.mediaPlane.openParticipants], [1, 0, 0]);
    await assert.rejects(live.moderation.lock(mod.member, true), RoomClosedError);
  });

  test("shutdown closes every connection with the given code and leaves nothing at the media server", async () => {
    const { ctx, live, closings } = setup({ lobby: true });
    const mod = await host(live, ctx);
    const gus = await knock(live, "Gus");
    ctx.mediaPlane.goDown();
    await live.shutdown(CloseCode.mediaRestart, "media server restarted");
    assert.deepEqual(mod.link.closedWith, { code: CloseCode.mediaRestart, reason: "media server restarted" });
    assert.equal(gus.link.closedWith?.code, CloseCode.mediaRestart);
    await assert.rejects(gus.admission.entered, RoomClosedError);
    assert.deepEqual([closings(), ctx.mediaPlane.openRooms, ctx.mediaPlane.openParticipants], [1, 0, 0]);
    await assert.rejects(ask(live, "Late"), RoomClosedError);
  });
});
