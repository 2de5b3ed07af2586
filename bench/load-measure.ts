/**
 * The measuring half of bench:load: a pool of worker processes holding the
 * synthetic participants (load-worker.ts), one measurement window over a
 * running load (CPU and memory of Janus, Treff, the harness and the whole
 * machine from /proc; packets sent, forwarded and lost from the
 * participants' counters), and timed joins of a real Chromium.
 */
import { fork, type ChildProcess } from "node:child_process";
import type { Browser } from "playwright-core";
import type { ParticipantId } from "../src/protocol/messages.js";
import { newParticipant } from "../test/helpers/browser.js";
import { instrument, timedJoin } from "./join-timing.js";
import { prepareToJoin } from "./meeting-pages.js";
import type { WorkerCounts, WorkerReply, WorkerRequest } from "./load-worker.js";
import { CpuRate, cpuSeconds, machineBusySeconds, residentBytes } from "./proc.js";
import { percentile } from "./report.js";
import type { TreffProcess } from "./treff-process.js";

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, "id"> : never) : never;

/** Processes of synthetic participants; a meeting of ten lives in one of them, a large meeting is spread over all. */
export class WorkerPool {
  private next = 0;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();
  /** Which workers hold participants of a room. */
  private readonly placement = new Map<string, Set<ChildProcess>>();

  private constructor(private readonly workers: ChildProcess[]) {
    for (const worker of workers) {
      worker.on("message", (reply: WorkerReply) => {
        this.pending.get(reply.id)?.(reply);
        this.pending.delete(reply.id);
      });
    }
  }

  static start(count: number): WorkerPool {
    const workers = Array.from({ length: count }, () =>
      fork(new URL("./load-worker.ts", import.meta.url).pathname, [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] }),
    );
    return new WorkerPool(workers);
  }

  /**
   * Joins `names` into `room`: all in the next worker, or spread over every worker;
   * `talking(i)` says whether names[i] sends audio. Resolves with their ids.
   */
  async join(baseUrl: string, room: string, names: string[], options: { spread: boolean; talking: (i: number) => boolean }): Promise<ParticipantId[]> {
    const entries = names.map((name, i) => ({ name, audio: options.talking(i) }));
    const groups = options.spread
      ? this.workers.map((w, i) => [w, entries.filter((_, j) => j % this.workers.length === i)] as const)
      : [[this.workers[this.next++ % this.workers.length]!, entries] as const];
    const replies = await Promise.all(
      groups
        .filter(([, group]) => group.length > 0)
        .map(([worker, group]) => {
          this.placement.set(room, (this.placement.get(room) ?? new Set()).add(worker));
          return this.request(worker, { op: "join", baseUrl, room, names: group.map((e) => e.name), audio: group.map((e) => e.audio) });
        }),
    );
    return replies.flatMap((r) => r.ids ?? []);
  }

  /** Every participant of `room` subscribes as a browser would, given everyone's ids in join order. */
  async receive(room: string, order: ParticipantId[]): Promise<void> {
    await Promise.all([...(this.placement.get(room) ?? [])].map((w) => this.request(w, { op: "receive", room, order })));
  }

  async counts(): Promise<WorkerCounts> {
    const all = await Promise.all(this.workers.map((w) => this.request(w, { op: "counts" })));
    const total: WorkerCounts = { participants: 0, sent: 0, received: 0, bytes: 0, expected: 0, keyframeRequests: 0, nacks: 0 };
    for (const reply of all) for (const key of Object.keys(total) as (keyof WorkerCounts)[]) total[key] += reply.counts?.[key] ?? 0;
    return total;
  }

  /** CPU seconds of all workers so far. */
  cpuSeconds(): number {
    return this.workers.reduce((sum, w) => sum + cpuSeconds(w.pid!), 0);
  }

  /** Leaves every meeting (the workers keep running for the next load). */
  async leaveAll(): Promise<void> {
    await Promise.all(this.workers.map((w) => this.request(w, { op: "close" })));
    this.placement.clear();
  }

  async stop(): Promise<void> {
    await Promise.race([this.leaveAll().catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
    for (const worker of this.workers) if (worker.connected) worker.disconnect();
  }

  private request(worker: ChildProcess, request: Request): Promise<WorkerReply & { ok: true }> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new Error(reply.error))));
      worker.send({ ...request, id });
    });
  }
}

/** One measurement window over a steady load. CPU in seconds per second (cores); memory in bytes. */
export interface Window {
  seconds: number;
  participants: number;
  janusCpu: number;
  treffCpu: number;
  /** The worker processes and this one. */
  harnessCpu: number;
  machineCpu: number;
  janusMemory: number;
  treffMemory: number;
  /** RTP packets per second publishers sent to Janus, and Janus sent to subscribers. */
  packetsIn: number;
  packetsOut: number;
  kbitOut: number;
  /** Share of the packets subscribers should have received that never arrived. */
  loss: number;
  keyframeRequestsPerSecond: number;
}

export async function measureWindow(server: TreffProcess, pool: WorkerPool, milliseconds: number): Promise<Window> {
  const rates = {
    janus: new CpuRate(() => cpuSeconds(server.janusPid)),
    treff: new CpuRate(() => cpuSeconds(server.pid)),
    harness: new CpuRate(() => pool.cpuSeconds() + process.cpuUsage().user / 1e6 + process.cpuUsage().system / 1e6),
    machine: new CpuRate(machineBusySeconds),
  };
  const before = await pool.counts();
  const started = performance.now();
  await new Promise((r) => setTimeout(r, milliseconds));
  const after = await pool.counts();
  const seconds = (performance.now() - started) / 1000;
  const expected = after.expected - before.expected;
  const received = after.received - before.received;
  return {
    seconds,
    participants: after.participants,
    janusCpu: rates.janus.rate(),
    treffCpu: rates.treff.rate(),
    harnessCpu: rates.harness.rate(),
    machineCpu: rates.machine.rate(),
    janusMemory: residentBytes(server.janusPid),
    treffMemory: residentBytes(server.pid),
    packetsIn: (after.sent - before.sent) / seconds,
    packetsOut: received / seconds,
    kbitOut: ((after.bytes - before.bytes) * 8) / 1000 / seconds,
    loss: expected > 0 ? Math.max(0, expected - received) / expected : 0,
    keyframeRequestsPerSecond: (after.keyframeRequests - before.keyframeRequests) / seconds,
  };
}

/** Join times (ms) of a real Chromium joining `room` `runs` times, one after the other; failed joins count as Infinity. */
export async function timedJoins(browser: Browser, baseUrl: string, room: string, expected: number, runs: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    const joiner = await newParticipant(browser, { viewport: { width: 1280, height: 720 } });
    try {
      await joiner.context.addInitScript(instrument);
      await joiner.page.goto(`${baseUrl}/r/${room}`);
      await prepareToJoin(joiner.page, "treff", `Joiner ${run + 1}`);
      await new Promise((r) => setTimeout(r, 300)); // let the page settle, as a person would take a moment
      times.push((await timedJoin(joiner.page, expected)).total);
    } catch (error) {
      console.warn(`  join ${run + 1} failed: ${(error as Error).message.split("\n")[0]}`);
      times.push(Infinity);
    } finally {
      await joiner.context.close();
    }
    await new Promise((r) => setTimeout(r, 500)); // the server lets the joiner go before the next one comes
  }
  return times;
}

export const p50 = (values: number[]) => percentile(values, 50);
export const p95 = (values: number[]) => percentile(values, 95);
