/**
 * Logging. Treff logs what operators need to run it and nothing about the
 * people in a meeting: no IP addresses, display names, room names or message
 * contents. pino writes one JSON object per line to stdout.
 */
import { pino } from "pino";

/** The subset of pino's logger the rest of Treff uses, so tests can pass their own. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "silent";

export function createLogger(level: LogLevel, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: undefined, // no pid or hostname in every line
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? process.stdout,
  );
}

const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// IPv6 in full form (seven colons) or shortened with `::`. Times like 08:09:02 do not match.
const IPV6 = /\b(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}\b|(?:\b[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*)?::(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4})*\b)?/gi;

/** Replaces every IPv4 and IPv6 address in a line of third-party output. */
export function redactAddresses(line: string): string {
  return line.replace(IPV4, "[addr]").replace(IPV6, "[addr]");
}
