/**
 * Property-based fuzzing of the real server (real Janus): fast-check makes
 * random runs of a meeting — a creator with the moderator key and three
 * guests with the link, a server with the lobby on or off — in batches of
 * commands sent at once from several clients, valid and invalid (joins with
 * hidden characters, wrong passwords and forged keys, chat, media, every
 * moderator action and moderator tool from anyone, content of every topic
 * (to one, to the moderators, to all; plain, sealed, malformed, too long),
 * breakout-room requests, barriers, offers Janus cannot parse, probes,
 * malformed, oversize, unknown and binary frames). After each batch
 * (fuzz/checks.ts): only moderators changed the meeting, every request got
 * its answer or a typed error; after each run: nothing reached a guest in
 * the lobby, no invalid message was sent, no room, connection or Janus
 * session is left, and a new meeting still works.
 *
 * `npm test` runs FUZZ_RUNS (default 300, well under a minute here) runs;
 * `npm run fuzz` runs 5,000. A failure prints fast-check's seed and path:
 * FUZZ_SEED=… FUZZ_PATH=… replays exactly that run (FUZZ_SHRINK=1 also
 * shrinks it; FUZZ_DEBUG=1 prints what each batch saw). The server's timing
 * is not replayed, so a race may need a few tries.
 */
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import type { LocalRoomRegistry } from "../../src/cluster/local-registry.js";
import { parseClientMessage } from "../../src/protocol/messages.js";
import { ownerKey } from "../helpers/moderator-keys.js";
import { startTestServer, testMediaInterface, type TestServer } from "../helpers/server.js";
import { TestClient } from "./client.js";
import { ACTORS, NAMES, arrivals, frameOf, sequence, type Command } from "./fuzz/commands.js";
import { lobbyLeaks, promised, snapshot, unanswered, unexplainedChanges, type ActorState, type ActorView, type Promised, type Snapshot } from "./fuzz/checks.js";
import { waitUntil } from "../helpers/wait.js";
import { connectFrom, newRoom, waitUntilIdle } from "./server.js";

const SECRET = "fuzz-test-secret-of-enough-length";
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

const servers: { lobby?: TestServer; open?: TestServer } = {};
before(async () => {
  const config = (lobby: boolean) => ({
    secret: SECRET,
    meetings: { lobby },
    http: { trustProxy: true },
    janus: { iceInterfaces: testMediaInterface(), allowLoopbackCandidates: true },
  });
  servers.lobby = await startTestServer({ logLevel: "warn", config: config(true) });
  servers.open = await startTestServer({ logLevel: "warn", config: config(false) });
});
after(async () => {
  await servers.lobby?.close();
  await servers.open?.close();
});

/** How often each message (and error code) reached the fuzzer's clients: what the runs exercised. */
const seen = new Map<string, number>();

let addressCount = 0;
/** A fresh client address per actor and run (198.18.0.0/15, for benchmarks; never reached): no limit of one run touches the next. */
const nextAddress = () => `198.18.${Math.floor(addressCount / 250) % 256}.${(addressCount++ % 250) + 1}`;

/** One actor of a run: their connections over time, and what they hold. */
interface Actor {
  name: string;
  address: string;
  client: TestClient | undefined;
  /** Every connection the actor opened, with the answers promised on it. */
  connections: Map<TestClient, Promised[]>;
  /** A genuine moderator key they hold (the creator's, or one given on promotion). */
  key: string | undefined;
}

/** The participant id a connection was given last (its own `joined`). */
const ownId = (client: TestClient | undefined) => client?.messages.findLast((m) => m.type === "joined")?.participantId as string | undefined;

async function runMeeting(server: TestServer, arrivals: Command[], batches: Command[][]): Promise<string[]> {
  const registry = server.registry as LocalRoomRegistry;
  const room = newRoom("fuzz");
  const actors: Actor[] = NAMES.map((name, i) => ({ name, address: nextAddress(), client: undefined, connections: new Map(), key: i === 0 ? ownerKey(SECRET, room) : undefined }));
  const known: string[] = [];
  const problems: string[] = [];
  /** What each batch saw, printed with a failure (FUZZ_DEBUG=1). */
  const trace: string[] = [];
  const connect = async (actor: Actor) => {
    actor.client = await connectFrom(server, actor.address);
    actor.connections.set(actor.client, []);
    await actor.client.next("welcome");
    return actor.client;
  };
  try {
    // The creator comes in first, so that the meeting has a moderator to act; then the guests knock.
    const opening: Command[][] = [[{ actor: 0, action: { kind: "join", hidden: [], key: true, password: "none", publicKey: false } }], arrivals];
    for (const [index, batch] of [...opening, ...batches].entries()) {
      const before = snapshot(registry, room);
      const views: ActorView[] = actors.map((a) => ({ id: idAtStart(a, before), hasKey: a.key !== undefined }));
      const states: ActorState[] = actors.map((a, i) => stateAtStart(a, views[i]!.id, before));
      const promotion = batch.some((c) => c.action.kind === "moderate" && c.action.action === "make-moderator");
      // Targets are picked among who is here now, then among those who were.
      const present = [...before.members.keys(), ...before.waiting.keys()];
      const knownAtSend = [...present, ...known.filter((id) => !present.includes(id))];
      for (const command of batch) {
        const actor = actors[command.actor]!;
        let client = actor.client?.isOpen ? actor.client : undefined;
        if (!client) {
          client = await connect(actor);
          states[command.actor] = "outside";
        }
        const { action } = command;
        if (action.kind === "reconnect") {
          await client.close();
          await connect(actor);
          states[command.actor] = "outside";
          continue;
        }
        if (action.kind === "leave") {
          client.send({ type: "leave" });
          continue;
        }
        const frame = frameOf(command, { room, known: knownAtSend, key: actor.key })!;
        const raw = Buffer.isBuffer(frame) ? undefined : typeof frame === "string" ? frame : JSON.stringify(frame);
        const parsed = raw === undefined ? { ok: false as const, code: "bad-message" } : parseClientMessage(raw);
        const id = views[command.actor]!.id;
        const wasModerator = id !== undefined && before.members.get(id) === "moderator";
        const promise = promised(action, parsed.ok ? undefined : parsed.code, states[command.actor]!, wasModerator || promotion || (action.kind !== "join" && batch.some((c) => c.actor === command.actor && c.action.kind === "join")));
        if (promise) actor.connections.get(client)!.push(promise);
        if (Buffer.isBuffer(frame)) client.sendRaw(frame, { binary: true });
        else client.sendRaw(raw!);
        if (action.kind === "join" && parsed.ok && states[command.actor] === "outside") states[command.actor] = "pending";
      }
      // Whatever the batch caused has been sent once each sender's barrier is back, and has
      // arrived once every other client's barrier is back too.
      const barriers = async () => {
        const open = actors.flatMap((a) => (a.client?.isOpen ? [a.client] : []));
        const senders = new Set(batch.map((c) => actors[c.actor]!.client));
        for (const client of [...open.filter((c) => senders.has(c)), ...open.filter((c) => !senders.has(c))]) {
          await Promise.race([client.barrier(15_000), client.closed]);
        }
      };
      await barriers();
      // Some of it finishes in the room's queue after a barrier: what a socket that closed set
      // off (a moderator's last admit, the removal at Janus after a farewell), and a guest's
      // admission, which the guest's own pong does not wait for. A closed connection leaves its
      // meeting (or lobby) once the server has seen the close.
      await registry.room(room)?.queue.run(async () => {});
      for (const [i, actor] of actors.entries()) {
        const id = views[i]!.id;
        const own = batch.filter((c) => c.actor === i).map((c) => c.action.kind);
        // Someone who knocked and left in the same batch has no id yet: their lobby entry goes by name.
        const knockedAndLeft = own.at(-1) === "leave" && own.includes("join");
        if (!knockedAndLeft && (!id || !own.some((kind) => kind === "leave" || kind === "reconnect"))) continue;
        const gone = (s: Snapshot) =>
          (!id || (!s.members.has(id) && !s.waiting.has(id))) && !(knockedAndLeft && [...s.waiting.values()].includes(actor.name));
        await waitUntil(`${actor.name} to be gone after leaving`, async () => snapshot(registry, room), gone, 5_000, 10).catch((error: Error) => problems.push(error.message));
      }
      await registry.room(room)?.queue.run(async () => {});
      await barriers(); // and whatever that sent has arrived
      const after = snapshot(registry, room);
      const entered = new Map<string, number>();
      actors.forEach((a, i) => {
        const own = ownId(a.client);
        if (own && after.members.has(own) && !before.members.has(own)) entered.set(own, i);
        const given = a.client?.messages.findLast((m) => (m.type === "roleChanged" || m.type === "joined") && m.moderatorKey !== undefined);
        if (given && "moderatorKey" in given && given.moderatorKey) a.key = given.moderatorKey;
      });
      const label = `batch ${index}`;
      trace.push(`${label} ${JSON.stringify(batch)} ${JSON.stringify({ views, states, before: [...before.members, ...before.waiting], after: [...after.members, ...after.waiting], own: actors.map((a) => ownId(a.client)) })}`);
      problems.push(...unexplainedChanges(before, after, batch, views, knownAtSend, entered).map((p) => `${label}: ${p}`));
      for (const actor of actors) {
        const client = actor.client;
        if (!client?.isOpen) continue;
        const missing = unanswered(actor.connections.get(client)!, client.messages, ownId(client));
        if (missing.length) problems.push(`${label}: ${actor.name} got no answer for ${missing.join(", ")}; got ${client.messages.map((m) => m.type === "error" ? `error(${m.code}:${m.inReplyTo})` : m.type).join(", ")}`);
      }
      for (const id of [...after.members.keys(), ...after.waiting.keys()]) if (!known.includes(id)) known.push(id);
      if (problems.length) break;
    }
  } finally {
    for (const actor of actors) for (const client of actor.connections.keys()) await client.close();
  }
  for (const actor of actors) {
    for (const client of actor.connections.keys()) {
      for (const m of client.messages) seen.set(m.type === "error" ? `error ${m.code}` : m.type, (seen.get(m.type === "error" ? `error ${m.code}` : m.type) ?? 0) + 1);
      problems.push(...lobbyLeaks(client.messages).map((p) => `${actor.name}: ${p}`));
      problems.push(...client.invalid.map((frame) => `${actor.name} got an invalid message: ${frame}`));
    }
  }
  await waitUntilIdle(server, 15_000).catch((error: Error) => problems.push(`leak: ${error.message}`));
  if (problems.length && process.env.FUZZ_DEBUG) console.log(trace.join("\n"));
  return problems;
}

/** The actor's participant id at the start of a batch: theirs in the meeting, or theirs in the lobby (found by name). */
function idAtStart(actor: Actor, before: Snapshot): string | undefined {
  const own = ownId(actor.client);
  if (actor.client?.isOpen && own && before.members.has(own)) return own;
  if (!actor.client?.isOpen) return undefined;
  return [...before.waiting].find(([, name]) => name === actor.name)?.[0];
}

function stateAtStart(actor: Actor, id: string | undefined, before: Snapshot): ActorState {
  if (id === undefined) return "outside";
  return before.members.has(id) ? "member" : "waiting";
}

/** The server still works: a new meeting takes its creator, who can chat. */
async function assertServerWorks(server: TestServer): Promise<void> {
  const room = newRoom("after-fuzz");
  const client = await connectFrom(server, nextAddress());
  try {
    const joined = await client.join(room, "Probe", { moderatorKey: ownerKey(SECRET, room) });
    client.send({ type: "chat", text: "still here?" });
    await client.next("chat", { where: (m) => m.from === joined.participantId });
  } finally {
    await client.close();
  }
}

test(`fuzz: random meetings from ${ACTORS} clients at once keep every promise`, { timeout: 4 * 3600_000 }, async (t) => {
  t.diagnostic(`${RUNS} runs, seed ${SEED}`);
  t.diagnostic(`replay a failure: FUZZ_SEED=${SEED} FUZZ_PATH=<its path> node --import tsx --test test/integration/fuzz.test.ts`);
  const started = performance.now();
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(fc.boolean(), arrivals, sequence, async (lobby, guests, batches) => {
      runs++;
      const server = (lobby ? servers.lobby : servers.open)!;
      const problems = await runMeeting(server, guests, batches);
      await assertServerWorks(server);
      await waitUntilIdle(server, 15_000);
      assert.deepEqual(problems, [], `lobby ${lobby ? "on" : "off"}`);
    }),
    {
      // With a path, exactly that run (fast-check would go on with the runs after it).
      numRuns: process.env.FUZZ_PATH ? 1 : RUNS,
      seed: SEED,
      ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
      // Each run is a real meeting (seconds): shrinking is for a developer with FUZZ_SHRINK=1.
      endOnFailure: process.env.FUZZ_SHRINK !== "1",
      includeErrorInReport: true,
    },
  );
  t.diagnostic(`${runs} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  t.diagnostic(`messages received: ${[...seen].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type} ${n}`).join(", ")}`);
});
