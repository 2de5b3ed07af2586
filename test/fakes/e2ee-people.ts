/**
 * People with real E2EE sessions (in Node, WebCrypto) whose sealed keys travel through a fake relay
 * the test controls, each with a fake frame worker that records what it is told.
 */
import type { Participant } from "../../src/protocol/messages.js";
import { E2eeSession, type FrameWorker } from "../../src/client/e2ee/session.js";
import { createIdentity, type Identity } from "../../src/client/e2ee/keys.js";
import type { ToWorker } from "../../src/client/e2ee/worker.js";

/** A frame worker that only records the messages the page posts to it. */
export class RecordingWorker implements FrameWorker {
  readonly posted: ToWorker[] = [];
  postMessage(message: ToWorker): void {
    this.posted.push(message);
  }
  addEventListener(): void {}
  terminate(): void {}
  /** The keys it was given for `participantId`, in order. */
  keysFrom(participantId: string): number[] {
    return this.posted.flatMap((m) => (m.type === "receiveKey" && m.participantId === participantId ? [m.keyId] : []));
  }
}

export interface Sealed {
  from: string;
  to: string;
  keyId: number;
  sealed: string;
}

/** One person: identity, session, worker, and every sealed key they sent (the relay's recording). */
export class Person {
  readonly worker = new RecordingWorker();
  readonly sent: Sealed[] = [];
  session!: E2eeSession;
  constructor(
    readonly id: string,
    readonly name: string,
    public identity: Identity,
  ) {
    this.start();
  }
  /** A fresh session (a new page) on this person's identity. */
  start(): void {
    this.session = E2eeSession.with(this.identity, undefined, this.worker, {
      sendKeys: (keyId, sealed) => {
        for (const [to, text] of Object.entries(sealed)) this.sent.push({ from: this.id, to, keyId, sealed: text });
      },
      changed: () => {},
    });
  }
  get record(): Participant {
    return { id: this.id, name: this.name, role: "participant", audio: true, video: true, publishing: true, screen: false, hand: null, publicKey: this.identity.publicKey };
  }
}

/** Waits until `condition` holds (sessions chain promises and WebCrypto calls; a loaded machine is slow). */
export async function eventually(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Delivers to its receiver every sealed key not delivered yet, as an honest server would. */
export function relay(people: Person[], delivered = new Set<Sealed>()): Set<Sealed> {
  const byId = new Map(people.map((p) => [p.id, p]));
  for (const person of people) {
    for (const key of person.sent) {
      if (delivered.has(key)) continue;
      delivered.add(key);
      byId.get(key.to)?.session.receiveKey(key.from, key.keyId, key.sealed);
    }
  }
  return delivered;
}

/** People who joined one after another and hold each other's keys. */
export async function meetingOf(...names: string[]): Promise<Person[]> {
  const people = await Promise.all(names.map(async (name, i) => new Person(`p${i}`, name, await createIdentity())));
  for (const [i, person] of people.entries()) person.session.joined(person.id, people.filter((_, j) => j !== i).map((p) => p.record));
  await eventually("everyone's first keys", () => people.every((p) => p.sent.length === people.length - 1));
  relay(people);
  await eventually("everyone to hold everyone's key", () => people.every((p) => people.every((q) => q === p || p.session.stateOf(q.id) === "encrypted")));
  return people;
}

