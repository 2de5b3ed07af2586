/**
 * What processes cost, read from Linux' /proc: CPU seconds of one process
 * (all its threads) or a whole process tree, resident memory, children by
 * name, and how busy the whole machine was. The benchmarks take two
 * readings and divide by the time between them.
 */
import { readFileSync, readdirSync } from "node:fs";

const TICKS = 100; // clock ticks per second of /proc/<pid>/stat (USER_HZ on Linux)

interface ProcStat {
  pid: number;
  name: string;
  parent: number;
  /** User and system CPU seconds of all the process' threads. */
  cpu: number;
}

/** /proc/<pid>/stat, or undefined if the process is gone. The name may hold spaces and parentheses. */
function stat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return {
      pid,
      name: text.slice(text.indexOf("(") + 1, text.lastIndexOf(")")),
      parent: Number(fields[1]),
      cpu: (Number(fields[11]) + Number(fields[12])) / TICKS,
    };
  } catch {
    return undefined;
  }
}

function allProcesses(): ProcStat[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => stat(Number(entry)) ?? []);
}

/** CPU seconds one process (every thread of it) has used so far; 0 once it is gone. */
export function cpuSeconds(pid: number): number {
  return stat(pid)?.cpu ?? 0;
}

/** CPU seconds used so far by a process and all its descendants that are still running. */
export function treeCpuSeconds(root: number): number {
  const processes = allProcesses();
  const parents = new Map(processes.map((p) => [p.pid, p.parent]));
  let total = 0;
  for (const p of processes) {
    for (let at: number | undefined = p.pid; at && at > 1; at = parents.get(at)) {
      if (at === root) {
        total += p.cpu;
        break;
      }
    }
  }
  return total;
}

/** The pid of `parent`'s child process named `name` (as in /proc/<pid>/stat, at most 15 characters). */
export function childNamed(parent: number, name: string): number | undefined {
  return allProcesses().find((p) => p.parent === parent && p.name === name)?.pid;
}

/** Resident memory of a process in bytes (VmRSS); 0 once it is gone. */
export function residentBytes(pid: number): number {
  try {
    const kib = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
    return Number(kib ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** CPU seconds the whole machine has been busy (all cores, from /proc/stat), to show how loaded it was. */
export function machineBusySeconds(): number {
  const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0); // idle and iowait
  return (ticks.slice(0, 8).reduce((sum, t) => sum + t, 0) - idle) / TICKS;
}

/**
 * A stopwatch over CPU counters: `rate()` is the counter's increase per
 * second of wall-clock time since the stopwatch was made.
 */
export class CpuRate {
  private readonly start: number;
  private readonly at = performance.now();
  constructor(private readonly read: () => number) {
    this.start = read();
  }
  rate(): number {
    return (this.read() - this.start) / ((performance.now() - this.at) / 1000);
  }
}
