/**
 * Breakout rooms in a live room on the fake media plane
 * (src/meeting/breakout-rooms.ts): each breakout is a media room of its own,
 * a move swaps the person's media and keeps everything else, subscriptions
 * reach only the same room, moderators alone run the rooms, help reaches
 * the moderators, the countdown brings everyone back, and a finished meeting
 * leaves no media room or timer behind.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { LiveRoom, type Member } from "../../src/meeting/live-room.js";
import { ForbiddenError, RefusedError } from "../../src/meeting/errors.js";
import { CAMERA_OFFER, type FakeMediaParticipant } from "../fakes/media-plane.js";
import { RecordingLink, testContext, type TestContext } from "../fakes/room-context.js";

const ROOM = "breakout-room-test";

async function meeting(): Promise<{ ctx: TestContext; live: LiveRoom; host: Person; ann: Person; bob: Person }> {
  const ctx = testContext();
  const live = new LiveRoom(ROOM, ctx, () => {});
  const host = await enter(live, "Host", ctx.moderatorKeys.issueOwner(ROOM, 3_600_000));
  const ann = await enter(live, "Ann");
  const bob = await enter(live, "Bob");
  return { ctx, live, host, ann, bob };
}

interface Person {
  link: RecordingLink;
  member: Member;
}

async function enter(live: LiveRoom, name: string, moderatorKey?: string): Promise<Person> {
  const link = new RecordingLink();
  const admission = await live.join({ link, name, address: "192.0.2.1", ...(moderatorKey ? { moderatorKey } : {}) });
  return { link, member: await admission.entered };
}

/** Publishes and comes up at the (fake) media server. */
async function publish(live: LiveRoom, person: Person): Promise<void> {
  await live.publish(person.member, CAMERA_OFFER);
  (person.member.media.participant as FakeMediaParticipant).startPublishing();
}

const fake = (person: Person) => person.member.media.participant as FakeMediaParticipant;

test("opening moves each assigned person's media into a media room of their breakout's own; others stay", async () => {
  const { ctx, live, host, ann, bob } = await meeting();
  await live.breakouts.setCount(host.member, 2);
  await live.breakouts.assign(host.member, { [ann.member.id]: "b1", [bob.member.id]: "b2" });
  const mainRoom = fake(ann).room;
  await live.breakouts.open(host.member);
  const state = ann.link.last("breakouts");
  assert.equal(state.phase, "open");
  assert.deepEqual(state.assignments, { [ann.member.id]: "b1", [bob.member.id]: "b2" });
  assert.notEqual(fake(ann).room, mainRoom);
  assert.notEqual(fake(ann).room, fake(bob).room);
  assert.equal(fake(host).room, mainRoom);
  assert.equal(ctx.mediaPlane.openRooms, 3, "the main room and two breakouts");
  assert.equal(live.room.list().length, 3, "everyone is still in the meeting");
});

test("a subscription reaches only the people in the same room", async () => {
  const { live, host, ann, bob } = await meeting();
  await live.breakouts.setCount(host.member, 1);
  await live.breakouts.assign(host.member, { [ann.member.id]: "b1", [bob.member.id]: "b1" });
  await live.breakouts.open(host.member);
  for (const p of [host, ann, bob]) await publish(live, p);
  const unknown = await live.subscribe(ann.member, [host.member.id, bob.member.id]);
  assert.deepEqual(unknown, [], "someone in another room is not unknown, just not received");
  assert.deepEqual(
    fake(ann).subscribed.map((s) => s.feed),
    [fake(bob).feedId, fake(bob).feedId],
    "Bob's audio and video, not the host's",
  );
});

test("non-moderators cannot run breakouts; choosing needs permission; help reaches the moderators with the room", async () => {
  const { live, host, ann } = await meeting();
  await assert.rejects(live.breakouts.setCount(ann.member, 2), ForbiddenError);
  await assert.rejects(live.breakouts.open(ann.member), ForbiddenError);
  await live.breakouts.setCount(host.member, 2);
  await live.breakouts.open(host.member);
  await assert.rejects(live.breakouts.choose(ann.member, "b2"), (e) => e instanceof RefusedError && e.code === "forbidden");
  await live.breakouts.settings(host.member, true, null);
  await live.breakouts.choose(ann.member, "b2");
  assert.equal(live.breakouts.locationOf(ann.member.id), "b2");
  await live.breakouts.help(ann.member);
  assert.deepEqual(host.link.last("breakoutHelp"), { type: "breakoutHelp", from: ann.member.id, breakout: "b2" });
  assert.equal(ann.link.all("breakoutHelp").length, 0);
});

test("a moderator visits any room, even when people may not choose", async () => {
  const { live, host } = await meeting();
  await live.breakouts.setCount(host.member, 3);
  await live.breakouts.open(host.member);
  await live.breakouts.choose(host.member, "b3");
  assert.equal(live.breakouts.locationOf(host.member.id), "b3");
});

test("closing counts down, then everyone is back in the main room's media; the emptied breakouts go", async () => {
  const { ctx, live, host, ann, bob } = await meeting();
  const mainRoom = fake(ann).room;
  await live.breakouts.setCount(host.member, 2);
  await live.breakouts.assign(host.member, { [ann.member.id]: "b1", [bob.member.id]: "b2" });
  await live.breakouts.open(host.member);
  await live.breakouts.close(host.member, 1);
  const closing = ann.link.last("breakouts");
  assert.equal(closing.phase, "closing");
  assert.ok(closing.returnAt! - closing.now <= 1_000 && closing.returnAt! - closing.now > 500);
  ann.link.drain();
  await ann.link.waitFor("breakouts", (m) => m.phase === "planning");
  await live.queue.run(async () => {});
  assert.equal(fake(ann).room, mainRoom);
  assert.equal(fake(bob).room, mainRoom);
  assert.equal(ctx.mediaPlane.openRooms, 1);
});

test("a move keeps the mute the media server enforces, and tells the others the camera is not up until published again", async () => {
  const { live, host, ann } = await meeting();
  await publish(live, ann);
  live.setMediaState(ann.member, false, true);
  await live.breakouts.setCount(host.member, 1);
  await live.breakouts.assign(host.member, { [ann.member.id]: "b1" });
  host.link.drain();
  await live.breakouts.open(host.member);
  assert.equal(host.link.last("participantUpdated").participant.publishing, false);
  await live.publish(ann.member, CAMERA_OFFER);
  await ann.member.media.muting;
  assert.equal(fake(ann).muted.audio, true);
});

test("a finished meeting leaves no breakout media room and no timer", async () => {
  const { ctx, live, host, ann, bob } = await meeting();
  await live.breakouts.setCount(host.member, 2);
  await live.breakouts.settings(host.member, false, 30);
  await live.breakouts.assignRandom(host.member);
  await live.breakouts.open(host.member);
  assert.equal(Object.keys(ann.link.last("breakouts").assignments).length, 2, "the moderator is not assigned at random");
  await live.leave(ann.member.id, ann.link);
  await live.leave(bob.member.id, bob.link);
  assert.equal(ctx.mediaPlane.openRooms, 1, "a breakout's media room goes with the last person in it");
  await live.leave(host.member.id, host.link);
  assert.equal(ctx.mediaPlane.openRooms, 0);
  assert.equal(ctx.mediaPlane.openParticipants, 0);
});

test("while rooms are open, chat stays in the room; moderators hear every room and every room hears them", async () => {
  const { live, host, ann, bob } = await meeting();
  await live.breakouts.setCount(host.member, 2);
  await live.breakouts.assign(host.member, { [ann.member.id]: "b1", [bob.member.id]: "b2" });
  await live.breakouts.open(host.member);
  live.relay.chat(ann.member, { type: "chat", text: "in b1" });
  live.relay.chat(host.member, { type: "chat", text: "to everyone" });
  const texts = (p: Person) => p.link.all("chat").map((m) => m.text);
  assert.deepEqual(texts(ann), ["in b1", "to everyone"]);
  assert.deepEqual(texts(host), ["in b1", "to everyone"]);
  assert.deepEqual(texts(bob), ["to everyone"]);
});

test("the time limit runs out: the countdown starts by itself, and everyone returns when it ends", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout", "Date"], now: 1_000_000 });
  const { ctx, live, host, ann } = await meeting();
  await live.breakouts.setCount(host.member, 1);
  await live.breakouts.settings(host.member, false, 5);
  await live.breakouts.assign(host.member, { [ann.member.id]: "b1" });
  await live.breakouts.open(host.member);
  assert.equal(ann.link.last("breakouts").endsAt, 1_000_000 + 5 * 60_000);
  ann.link.drain();
  t.mock.timers.tick(5 * 60_000);
  const closing = await ann.link.waitFor("breakouts");
  assert.deepEqual([closing.phase, closing.returnAt], ["closing", 1_000_000 + 5 * 60_000 + 30_000]);
  assert.equal(live.breakouts.locationOf(ann.member.id), "b1", "still in the room during the countdown");
  ann.link.drain();
  t.mock.timers.tick(29_999);
  await live.queue.run(async () => {});
  assert.deepEqual(ann.link.all("breakouts"), [], "not a moment early");
  t.mock.timers.tick(1);
  assert.equal((await ann.link.waitFor("breakouts")).phase, "planning");
  await live.queue.run(async () => {});
  assert.equal(live.breakouts.locationOf(ann.member.id), null);
  assert.equal(ctx.mediaPlane.openRooms, 1, "the breakout's media room went");
});
