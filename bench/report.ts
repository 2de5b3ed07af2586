/** Shared pieces of the benchmarks: statistics, the machine description, BENCHMARKS.md sections. */
import { spawnSync } from "node:child_process";
import { cpus, totalmem } from "node:os";
import { readFileSync } from "node:fs";
import { CHROMIUM_PATH } from "../test/helpers/browser.js";

/** Nearest-rank percentile of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** The first line a command prints for its version (Janus exits non-zero after printing it). */
function versionOf(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return (result.stdout || result.stderr || "").split("\n")[0]?.trim() || `${command}: unknown`;
}

export async function machineDescription(): Promise<string> {
  const cpu = cpus()[0]?.model.trim() ?? "unknown CPU";
  let os = "Linux";
  try {
    os = /PRETTY_NAME="([^"]+)"/.exec(readFileSync("/etc/os-release", "utf8"))?.[1] ?? os;
  } catch {
    // keep the default
  }
  const janus = versionOf("janus", ["--version"]).replace(/^Janus version: \d+ \((.+)\)$/, "Janus $1");
  return [
    `${cpus().length} × ${cpu}`,
    `${Math.round(totalmem() / 2 ** 30)} GiB`,
    os,
    `Node ${process.versions.node}`,
    versionOf(CHROMIUM_PATH, ["--version"]),
    janus,
  ].join(", ");
}

/** Replaces (or appends) the part of a Markdown file between `<!-- bench:NAME -->` markers. */
export function replaceSection(document: string, name: string, body: string): string {
  const start = `<!-- bench:${name} -->`;
  const end = `<!-- /bench:${name} -->`;
  const block = `${start}\n${body}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end.length);
  return `${document.trimEnd()}\n\n${block}\n`;
}

/** A run that fails is a result too (a loaded machine): it is reported, and `failed` (the slowest) stands in for it. */
export async function attempt<T>(what: string, run: () => Promise<T>, failed: T): Promise<T> {
  try {
    return await run();
  } catch (error) {
    console.warn(`${what}: failed: ${(error as Error).message.split("\n")[0]}`);
    return failed;
  }
}

/** Milliseconds as a table shows them: whole numbers, "failed" for a run that did not finish. */
export const formatMs = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value.toFixed(0) : "failed");
