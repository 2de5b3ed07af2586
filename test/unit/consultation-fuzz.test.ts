/**
 * Property-based fuzzing of the consultation hub (fast-check): two staff members, three patients,
 * two would-be third persons and an intruder with a forged cookie send every consultation message,
 * valid and not, in any order, with connections closing and time passing. After every step: no
 * message made the hub fail (an `internal` error), only staff with the queue open ever see the
 * queue, no patient ever hears another patient's label or name, only people in a call get a room
 * or the other side's signals; and once everyone has gone, nobody waits.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ConsultationMessage } from "../../src/consultation/hub.js";
import type { ServerMessage } from "../../src/protocol/messages.js";
import { T0, testHub } from "../helpers/consultation-hub.js";

/**
 * Who acts: staff (by cookie), and connections without a valid cookie that may wait as patients,
 * take part as third persons or try anything (the intruder's cookie names no staff member).
 */
const ACTORS = ["staff:anna", "staff:ben", "patient:1", "patient:2", "patient:3", "guest:1", "guest:2", "intruder"] as const;
type Actor = (typeof ACTORS)[number];

type Step =
  | { actor: number; kind: "send"; message: (known: Known) => ConsultationMessage }
  | { actor: number; kind: "close" }
  | { actor: number; kind: "advance"; minutes: number };

/** What the run has seen so far, for messages that name a patient or carry a token. */
interface Known {
  patients: string[];
  tokens: string[];
  codes: string[];
}

const pick = <T>(list: T[], index: number, fallback: T): T => (list.length ? list[index % list.length]! : fallback);

const message: fc.Arbitrary<(known: Known) => ConsultationMessage> = fc.oneof(
  fc.record({ code: fc.nat(), e2ee: fc.boolean(), name: fc.constantFrom(undefined, "Maria") }).map(
    ({ code, e2ee, name }) => (k: Known) => ({ type: "consultWait", code: pick(k.codes, code, "00000000"), checked: true, e2ee, ...(name ? { name } : {}) }),
  ),
  fc.constant(() => ({ type: "consultStaff" })),
  { weight: 3, arbitrary: fc.nat().map((i) => (k: Known) => ({ type: "consultCall", patient: pick(k.patients, i, "nobody") })) },
  fc.constant(() => ({ type: "consultSignal", candidate: null })),
  fc.constant(() => ({ type: "consultKey", publicKey: null })),
  fc.constant(() => ({ type: "consultHangUp" })),
  fc.nat().map((i) => (k: Known) => ({ type: "consultNotice", patient: pick(k.patients, i, "nobody"), text: "Gleich" })),
  fc.nat().map((i) => (k: Known) => ({ type: "consultTurnAway", patient: pick(k.patients, i, "nobody") })),
  fc.constant(() => ({ type: "consultHold" })),
  { weight: 4, arbitrary: fc.constant(() => ({ type: "consultInvite" })) },
  fc.constant(() => ({ type: "consultRemoveGuest" })),
  {
    weight: 4,
    arbitrary: fc.record({ i: fc.nat(), forged: fc.boolean() }).map(({ i, forged }) => (k: Known) => ({ type: "consultGuest", code: forged ? "forged-token-123" : pick(k.tokens, i, "no-token-yet") })),
  },
) as fc.Arbitrary<(known: Known) => ConsultationMessage>;

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ actor: fc.nat(ACTORS.length - 1), kind: fc.constant("send" as const), message }) },
  { weight: 1, arbitrary: fc.record({ actor: fc.nat(ACTORS.length - 1), kind: fc.constant("close" as const) }) },
  { weight: 1, arbitrary: fc.record({ actor: fc.nat(ACTORS.length - 1), kind: fc.constant("advance" as const), minutes: fc.integer({ min: 1, max: 20 }) }) },
);

/** How often each server message (and each error) was received over all runs: printed with FUZZ_STATS=1, to see that the runs reach calls, invitations and rooms. */
const seen = new Map<string, number>();

function run(steps: Step[]): void {
  const { join, appointments, now, advance, hub } = testHub(["anna", "ben"]);
  const known: Known = { patients: [], tokens: [], codes: [] };
  // Each patient's own appointment, with a label and name no one else may ever hear.
  for (const n of [1, 2, 3]) known.codes.push(appointments.create({ label: `Label-${n}`, startsAt: T0, minutes: 60 }, now())!.code);
  const connect = (actor: Actor) => join(actor.startsWith("staff:") ? actor.slice(6) : actor === "intruder" ? "forged" : undefined);
  const connections = new Map<Actor, ReturnType<typeof join>>();
  const connection = (actor: Actor) => connections.get(actor) ?? connections.set(actor, connect(actor)).get(actor)!;
  const sent = new Map<Actor, Set<string>>();

  // A practice at work before the random part: both staff have the queue open, the three patients wait…
  const opening: Step[] = [
    ...[0, 1].map((actor): Step => ({ actor, kind: "send", message: () => ({ type: "consultStaff" }) })),
    ...[2, 3, 4].map((actor, i): Step => ({ actor, kind: "send", message: (k) => ({ type: "consultWait", code: k.codes[i]!, checked: true, e2ee: true, name: `Name-${i + 1}` }) })),
    // …and anna is in a call with the first, and has a link for a third person.
    { actor: 0, kind: "send", message: (k) => ({ type: "consultCall", patient: k.patients[0]! }) },
    { actor: 0, kind: "send", message: () => ({ type: "consultInvite" }) },
  ];
  for (const s of [...opening, ...steps]) {
    const actor = ACTORS[s.actor]!;
    if (s.kind === "advance") advance(s.minutes * 60_000);
    else if (s.kind === "close") {
      connections.get(actor)?.close();
      connections.delete(actor);
    } else {
      const m = s.message(known);
      connection(actor).send(m);
      (sent.get(actor) ?? sent.set(actor, new Set()).get(actor)!).add(m.type);
    }
    // What everyone received, checked after every step.
    for (const [who, c] of connections) {
      for (const r of c.received) check(who, r, sent.get(who) ?? new Set());
      for (const r of c.received) {
        if (r.type === "consultQueue") for (const p of r.patients) if (!known.patients.includes(p.id)) known.patients.push(p.id);
        if (r.type === "consultInvitation" && !known.tokens.includes(r.token)) known.tokens.push(r.token);
      }
    }
  }
  for (const c of connections.values()) {
    for (const r of c.received) {
      const key = r.type === "error" ? `error ${r.inReplyTo}: ${r.message}` : r.type;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    c.close();
  }
  assert.deepEqual(hub.queue.entries(), [], "once everyone has gone, nobody waits");
}

function check(who: Actor, r: ServerMessage, sent: Set<string>): void {
  assert.ok(!(r.type === "error" && r.code === "internal"), `${who}: the hub failed on ${r.type === "error" ? r.inReplyTo : ""}`);
  const staffWithQueue = who.startsWith("staff:") && sent.has("consultStaff");
  if (r.type === "consultQueue" || r.type === "consultInvitation") assert.ok(staffWithQueue, `${who} got ${r.type}`);
  if (!who.startsWith("staff:")) {
    const text = JSON.stringify(r);
    // A patient hears only their own place; nothing carries a patient's label or name.
    assert.ok(!/(Label|Name)-\d/.test(text), `${who} heard a label or name: ${text}`);
  }
  // Only the two sides of a call get its signals, and a room only they and a third person who asked.
  const inCalls = who.startsWith("staff:") || sent.has("consultWait");
  if (r.type === "consultSignal" || r.type === "consultKey" || r.type === "consultConnect") assert.ok(inCalls, `${who} got ${r.type}`);
  if (r.type === "consultRoom") assert.ok(inCalls || sent.has("consultGuest"), `${who} got a room`);
}

test("the consultation hub under any sequence of messages, closes and time", () => {
  fc.assert(fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), run), { numRuns: Number(process.env.FUZZ_RUNS ?? 300) });
  if (process.env.FUZZ_STATS) console.log(Object.fromEntries([...seen].sort()));
});
