/**
 * The polls controller (src/client/polls/polls.ts) over a fake content
 * channel that relays like the server: to everyone else, or to one person.
 * A poll from a participant who is not a moderator, results or a close from
 * anyone but the creator, and answers at anyone but the creator count for
 * nothing; an anonymous poll gives its creator no names.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Polls, type PollChannel } from "../../src/client/polls/polls.js";
import { encode } from "../../src/client/polls/poll.js";

type Handler = (from: string, bytes: Uint8Array) => void;

/** Pages connected like the server's relay: `to` one id, or everyone but the sender. */
class Hub {
  readonly handlers = new Map<string, Map<string, Handler[]>>();
  readonly moderators = new Set<string>();
  readonly names = new Map<string, string>();

  page(id: string, name: string, moderator = false): Polls {
    this.handlers.set(id, new Map());
    this.names.set(id, name);
    if (moderator) this.moderators.add(id);
    return new Polls(this.channel(id), {
      selfId: () => id,
      isModerator: (who) => this.moderators.has(who),
      nameOf: (who) => this.names.get(who),
    });
  }

  channel(self: string): PollChannel {
    return {
      send: async (topic, bytes, to) => this.deliver(self, topic, bytes, to),
      on: (topic, handler) => {
        const mine = this.handlers.get(self)!;
        mine.set(topic, [...(mine.get(topic) ?? []), handler]);
        return () => {};
      },
    };
  }

  deliver(from: string, topic: string, bytes: Uint8Array, to?: string): void {
    for (const [id, topics] of this.handlers) {
      if (id === from) continue;
      if (to === "moderators" ? !this.moderators.has(id) : to !== undefined && to !== id) continue;
      for (const handler of topics.get(topic) ?? []) handler(from, bytes);
    }
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 350)); // past the live publishing pause

describe("polls between pages", () => {
  test("a named live poll: three answer, the creator sees names and counts, everyone sees the counts live", async () => {
    const hub = new Hub();
    const host = hub.page("h", "Hana", true);
    const [ann, bo, cy] = [hub.page("a", "Ann"), hub.page("b", "Bo"), hub.page("c", "Cy")];
    const poll = await host.create({ question: "Lunch?", options: ["Pizza", "Soup"], multiple: false, anonymous: false, reveal: "live" });
    assert.equal(ann.get(poll.spec.id)?.spec.question, "Lunch?");
    await ann.answer(poll.spec.id, [0]);
    await bo.answer(poll.spec.id, [1]);
    await cy.answer(poll.spec.id, [1]);
    await ann.answer(poll.spec.id, [1]); // changed
    const seen = host.get(poll.spec.id)!;
    assert.deepEqual(seen.results, { counts: [0, 3], voters: 3 });
    assert.deepEqual(seen.named.sort(), [["Ann", [1]], ["Bo", [1]], ["Cy", [1]]]);
    await settle();
    assert.deepEqual(bo.get(poll.spec.id)!.results, { counts: [0, 3], voters: 3 }, "published live");
    assert.deepEqual(bo.get(poll.spec.id)!.named, [], "participants never see names");
  });

  test("an anonymous poll shown when closed: no names at the creator; counts reach the others only on close", async () => {
    const hub = new Hub();
    const host = hub.page("h", "Hana", true);
    const [ann, bo] = [hub.page("a", "Ann"), hub.page("b", "Bo")];
    const poll = await host.create({ question: "Ready?", options: ["Yes", "No"], multiple: false, anonymous: true, reveal: "closed" });
    await ann.answer(poll.spec.id, [0]);
    await bo.answer(poll.spec.id, [0]);
    assert.deepEqual(host.get(poll.spec.id)!.named, []);
    await settle();
    assert.equal(ann.get(poll.spec.id)!.results, undefined, "nothing before the close");
    await host.close(poll.spec.id);
    assert.deepEqual(ann.get(poll.spec.id)!.results, { counts: [2, 0], voters: 2 });
    assert.equal(ann.get(poll.spec.id)!.closed, true);
    await bo.answer(poll.spec.id, [1]); // too late: the page does not even send it
    assert.deepEqual(host.get(poll.spec.id)!.results, { counts: [2, 0], voters: 2 });
  });

  test("a malicious participant: a poll from a non-moderator, forged results, forged close, and answers to others count for nothing", async () => {
    const hub = new Hub();
    const host = hub.page("h", "Hana", true);
    const ann = hub.page("a", "Ann");
    hub.page("m", "Mallory");
    const spec = { id: "fake", question: "Pwned?", options: ["a", "b"], multiple: false, anonymous: false, reveal: "live" };
    hub.deliver("m", "poll", encode({ kind: "open", poll: spec as never }));
    assert.equal(ann.get("fake"), undefined);
    const poll = await host.create({ question: "Real?", options: ["Yes", "No"], multiple: true, anonymous: false, reveal: "live" });
    hub.deliver("m", "poll", encode({ kind: "results", id: poll.spec.id, results: { counts: [99, 0], voters: 99 } }));
    hub.deliver("m", "poll", encode({ kind: "close", id: poll.spec.id }));
    assert.equal(ann.get(poll.spec.id)!.results, undefined);
    assert.equal(ann.get(poll.spec.id)!.closed, false);
    // Answers that do not fit, garbage bytes, and answers sent to someone who is not the creator.
    hub.deliver("m", "pollAnswer", encode({ id: poll.spec.id, choices: [0, 0] }), "h");
    hub.deliver("m", "pollAnswer", encode({ id: poll.spec.id, choices: [5] }), "h");
    hub.deliver("m", "pollAnswer", new Uint8Array([1, 2, 3]), "h");
    hub.deliver("m", "pollAnswer", encode({ id: poll.spec.id, choices: [1] }), "a");
    assert.deepEqual(host.get(poll.spec.id)!.results, { counts: [0, 0], voters: 0 });
    hub.deliver("m", "pollAnswer", encode({ id: poll.spec.id, choices: [0, 1] }), "h");
    hub.deliver("m", "pollAnswer", encode({ id: poll.spec.id, choices: [0, 1] }), "h");
    assert.deepEqual(host.get(poll.spec.id)!.results, { counts: [1, 1], voters: 1 }, "a repeat is the same ballot");
  });

  test("a newcomer learns about the creator's polls, closed ones with their published counts", async () => {
    const hub = new Hub();
    const host = hub.page("h", "Hana", true);
    const ann = hub.page("a", "Ann");
    const open = await host.create({ question: "One?", options: ["x", "y"], multiple: false, anonymous: false, reveal: "closed" });
    const done = await host.create({ question: "Two?", options: ["x", "y"], multiple: false, anonymous: true, reveal: "closed" });
    await ann.answer(done.spec.id, [1]);
    await host.close(done.spec.id);
    const late = hub.page("l", "Late");
    await host.welcome("l");
    const polls = late.list();
    assert.deepEqual(polls.map((p) => [p.spec.question, p.closed, p.results]), [
      ["Two?", true, { counts: [0, 1], voters: 1 }],
      ["One?", false, undefined],
    ]);
    assert.equal(late.get(open.spec.id)!.creator, "h");
  });
});
