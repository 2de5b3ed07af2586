/** bench:load's section of BENCHMARKS.md: the tables and the capacity figures, from the measured steps. */
import { clipKbitPerSecond, loadClips } from "./vp8-clip.js";
import type { Window } from "./load-measure.js";
import { p50, p95 } from "./load-measure.js";

export interface Step {
  /** Meetings (ramp) or participants (large meeting). */
  label: string;
  window: Window;
  /** A real Chromium's join times in ms (Infinity: failed). */
  joins: number[];
  /** Janus' and Treff's resident memory before anyone joined. */
  idleMemory: number;
}

export interface VariantRun {
  variant: string;
  round: number;
  window: Window;
}

export interface LoadResults {
  date: string;
  machine: string;
  cores: number;
  meetingSize: number;
  /** How many in each meeting send audio (Infinity: everyone). */
  talkers: number;
  variants: string[];
  abMeetings: number;
  ab: VariantRun[];
  ramp: { steps: Step[]; stop: string } | undefined;
  large: { steps: Step[]; stop: string } | undefined;
  joinsPerStep: number;
  windowSeconds: number;
}

const MiB = 2 ** 20;
const k = (n: number) => `${(n / 1000).toFixed(1)}k`;
const perCore = (w: Window) => w.packetsOut / Math.max(w.janusCpu, 0.01);
const ms = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : "failed");
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)] ?? Number.NaN;

function stepRow(step: Step): string {
  const w = step.window;
  const memoryPerParticipant = (w.janusMemory + w.treffMemory - step.idleMemory) / Math.max(1, w.participants) / MiB;
  return `| ${step.label} | ${w.participants} | ${k(w.packetsIn)} / ${k(w.packetsOut)} | ${w.janusCpu.toFixed(2)} | ${k(perCore(w))} | ${w.treffCpu.toFixed(3)} | ${((w.treffCpu / Math.max(w.janusCpu, 0.001)) * 100).toFixed(1)} % | ${(w.janusMemory / MiB).toFixed(0)} / ${(w.treffMemory / MiB).toFixed(0)} | ${memoryPerParticipant.toFixed(1)} | ${(w.loss * 100).toFixed(2)} % | ${step.joins.length ? `${ms(p50(step.joins))} / ${ms(p95(step.joins))}` : "–"} | ${w.harnessCpu.toFixed(2)} | ${w.machineCpu.toFixed(2)} |`;
}

function stepTable(first: string, steps: Step[]): string[] {
  return [
    `| ${first} | participants | packets/s in / out | Janus CPU (s/s) | packets/s out per Janus core | Treff CPU (s/s) | Treff : Janus | memory Janus / Treff (MiB) | per participant (MiB) | loss | join p50 / p95 (ms) | harness (s/s) | machine (s/s) |`,
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...steps.map(stepRow),
  ];
}

/** The last step at which the server had not fallen over (the stop reason belongs to the step after it, if any). */
function lastHeld(part: { steps: Step[]; stop: string }, fell: (s: Step) => boolean): Step | undefined {
  return [...part.steps].reverse().find((s) => !fell(s));
}

function abTable(r: LoadResults): string[] {
  if (r.ab.length === 0) return [];
  const base = r.variants[0]!;
  const baseRate = median(r.ab.filter((x) => x.variant === base).map((x) => perCore(x.window)));
  const rows = r.variants.map((variant) => {
    const runs = r.ab.filter((x) => x.variant === variant);
    const rate = median(runs.map((x) => perCore(x.window)));
    const change = variant === base ? "baseline" : `${rate >= baseRate ? "+" : ""}${(((rate - baseRate) / baseRate) * 100).toFixed(0)} %`;
    return `| ${variant} | ${runs.map((x) => `${k(perCore(x.window))} (${(x.window.loss * 100).toFixed(1)} %)`).join(", ")} | ${median(runs.map((x) => x.window.janusCpu)).toFixed(2)} | ${k(median(runs.map((x) => x.window.packetsOut)))} | ${k(rate)} | ${change} | ${(median(runs.map((x) => x.window.loss)) * 100).toFixed(2)} % | ${median(runs.map((x) => x.window.machineCpu)).toFixed(2)} |`;
  });
  return [
    `The same load (${r.abMeetings} meetings of ${r.meetingSize}) of synthetic participants (as in the capacity runs below) on a fresh server with each variant of the generated Janus configuration, in rounds (every variant once, then again), so that drift in the machine's load hits all alike. Median over the rounds. A variant whose receivers lose packets is not faster, it drops work: read the loss first.`,
    "",
    "| Janus settings | packets/s out per Janus core (loss), each round | Janus CPU (s/s) | packets/s out | per Janus core | vs baseline | loss | machine (s/s) |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
  ];
}

/**
 * The two sections bench:load writes: `ab` (Janus settings) and `capacity`
 * (the ramps and the capacity figures), each only if its part ran, so the
 * parts can be run, and their figures replaced, one at a time.
 */
export function loadReport(r: LoadResults): { ab?: string; capacity?: string } {
  const fell = (s: Step) => s.window.loss > 0.02 || p95(s.joins) > 2_000 || s.window.janusCpu >= 0.9 * r.cores;
  const layers = loadClips().map((c) => `${c.layer.width}×${c.layer.height} at ${clipKbitPerSecond(c).toFixed(0)} kbit/s`).join(", ");
  const measured = `Measured ${r.date} on ${r.machine}.`;
  const ab = r.ab.length > 0 ? [measured, "", ...abTable(r)].join("\n").trimEnd() : undefined;
  if (!r.ramp && !r.large) return { ab };
  const out = [
    measured,
    "",
    `Treff and its Janus run as their own processes; synthetic participants (werift, in one worker process per core) join over the signaling protocol, ` +
      `send ${Number.isFinite(r.talkers) ? `(the first ${r.talkers} of each meeting) Opus (50 packets/s); all send ` : "Opus (50 packets/s) and "}three VP8 layers (${layers}, 20 fps), answer key-frame requests and receive what Treff's client in a 1280×720 window asks for ` +
      "(everyone's audio; the tiles of the first page at the layer their size needs), without decoding. Lobby and E2EE off. " +
      `Each step: ${r.windowSeconds} s measured after the load settled; CPU in seconds per second (${r.cores} cores in all) from /proc, each process on its own; ` +
      "packets counted by the participants (out: what Janus sent them); loss from the receivers' RTP sequence numbers; " +
      `then a real Chromium (1280×720, E2EE off) joins ${r.joinsPerStep} times, timed from the click on “Join” until the videos on its screen play. ` +
      "Memory per participant: Janus' and Treff's resident memory less what they held before anyone joined. Harness: the worker processes and the driver.",
    "",
  ];
  const held = r.ramp ? lastHeld(r.ramp, fell) : undefined;
  if (r.ramp) {
    out.push(`### Meetings of ${r.meetingSize}`, "", ...stepTable("meetings", r.ramp.steps), "", `The ramp stopped: ${r.ramp.stop}.`, "");
  }
  const largest = r.large ? lastHeld(r.large, fell) : undefined;
  if (r.large) {
    out.push("### One large meeting", "", ...stepTable("size", r.large.steps), "", `The meeting stopped growing: ${r.large.stop}.`, "");
  }
  const all = [...(r.ramp?.steps ?? []), ...(r.large?.steps ?? [])];
  const bound = (part: { stop: string } | undefined) => (part?.stop.includes("machine ran out of CPU") ? "; a lower bound: this machine ran out of CPU before Janus did" : "");
  out.push("### Capacity", "");
  if (held) {
    const w = held.window;
    out.push(
      `- **Participants in meetings of ${r.meetingSize} per Janus core: ${Math.floor(w.participants / Math.max(w.janusCpu, 0.01))}** ` +
        `(${w.participants} participants held with Janus at ${w.janusCpu.toFixed(2)} s/s; the harness used ${w.harnessCpu.toFixed(2)} s/s of the machine's ${r.cores} cores, the machine ${w.machineCpu.toFixed(2)} s/s in all${bound(r.ramp)}).`,
    );
  } else if (r.ramp) out.push(`- Participants in meetings of ${r.meetingSize} per Janus core: not measured (no step held).`);
  if (largest) out.push(`- **Largest meeting: ${largest.window.participants}** (Janus at ${largest.window.janusCpu.toFixed(2)} s/s, loss ${(largest.window.loss * 100).toFixed(2)} %, join p95 ${ms(p95(largest.joins))} ms${bound(r.large)}).`);
  else if (r.large) out.push("- Largest meeting: not measured (no step held).");
  if (all.length > 0) {
    const ratios = all.map((s) => s.window.treffCpu / Math.max(s.window.janusCpu, 0.001));
    const worst = Math.max(...ratios);
    out.push(`- **P2** (Treff's Node process at most 5 % of Janus' CPU while media flows): at most ${(worst * 100).toFixed(1)} % over all steps — ${worst <= 0.05 ? "met" : "not met"}.`);
    const rates = (held ? [held] : all).map((s) => perCore(s.window));
    const p3 = Math.max(...rates);
    out.push(
      `- **P3** (Treff's generated Janus configuration forwards at least 30,000 packets/s per Janus core): ${k(p3)} packets/s per core${held ? ` at the last step that held (${held.window.participants} participants)` : ""} — ${p3 >= 30_000 ? "met" : "not met"}; ` +
        `over all steps ${k(Math.min(...all.map((s) => perCore(s.window))))}–${k(Math.max(...all.map((s) => perCore(s.window))))}.`,
    );
  }
  return { ab, capacity: out.join("\n") };
}
