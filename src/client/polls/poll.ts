/**
 * What travels in a poll (issue 13), as the bytes each browser puts on the
 * sealed content channel (docs/e2ee.md): JSON, checked field by field on the
 * way in, because any participant can send anything. Pure: no DOM, no I/O.
 *
 * Topic `poll` (only a moderator's counts): a poll opens, closes, or its
 * results are published. Topic `pollAnswer` (anyone, to the poll's
 * creator): one person's current choices; a later answer replaces it.
 */

export const LIMITS = { question: 300, option: 100, options: 10, id: 32 } as const;

/** When the participants see the counts: as votes come in, or once the poll is closed (or shared). */
export type Reveal = "live" | "closed";

export interface PollSpec {
  /** Chosen by the creator's browser; unique within the meeting. */
  id: string;
  question: string;
  options: string[];
  /** Several options may be chosen. */
  multiple: boolean;
  /** Nobody, the creator's browser included, shows who chose what. */
  anonymous: boolean;
  reveal: Reveal;
}

/** The counts as the creator's browser publishes them: one per option, and how many answered. */
export interface PollResults {
  counts: number[];
  voters: number;
}

export type PollMessage =
  | { kind: "open"; poll: PollSpec; closed?: boolean; results?: PollResults }
  | { kind: "close"; id: string }
  | { kind: "results"; id: string; results: PollResults };

export interface PollAnswer {
  id: string;
  choices: number[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function encode(message: PollMessage | PollAnswer): Uint8Array {
  return encoder.encode(JSON.stringify(message));
}

function json(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
}

type Fields = Record<string, unknown>;
const isObject = (value: unknown): value is Fields => typeof value === "object" && value !== null && !Array.isArray(value);
const text = (value: unknown, max: number): value is string => typeof value === "string" && value.trim().length > 0 && value.length <= max;
const isId = (value: unknown): value is string => typeof value === "string" && /^[A-Za-z0-9_-]{1,32}$/.test(value);
const count = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** A poll as a moderator set it up, or undefined when anything in it is out of bounds. */
export function parseSpec(value: unknown): PollSpec | undefined {
  if (!isObject(value)) return undefined;
  const { id, question, options, multiple, anonymous, reveal } = value;
  if (!isId(id) || !text(question, LIMITS.question)) return undefined;
  if (!Array.isArray(options) || options.length < 2 || options.length > LIMITS.options) return undefined;
  if (!options.every((o) => text(o, LIMITS.option))) return undefined;
  if (typeof multiple !== "boolean" || typeof anonymous !== "boolean" || (reveal !== "live" && reveal !== "closed")) return undefined;
  return { id, question: question.trim(), options: (options as string[]).map((o) => o.trim()), multiple, anonymous, reveal };
}

function parseResults(value: unknown, options?: number): PollResults | undefined {
  if (!isObject(value) || !Array.isArray(value.counts) || !count(value.voters)) return undefined;
  if (!value.counts.every(count) || value.counts.length < 2 || value.counts.length > LIMITS.options) return undefined;
  if (options !== undefined && value.counts.length !== options) return undefined;
  return { counts: [...(value.counts as number[])], voters: value.voters };
}

/** A `poll` message, or undefined for anything malformed. */
export function parsePollMessage(bytes: Uint8Array): PollMessage | undefined {
  const value = json(bytes);
  if (!isObject(value)) return undefined;
  if (value.kind === "open") {
    const poll = parseSpec(value.poll);
    if (!poll) return undefined;
    const results = value.results === undefined ? undefined : parseResults(value.results, poll.options.length);
    if (value.results !== undefined && !results) return undefined;
    return { kind: "open", poll, ...(value.closed === true ? { closed: true } : {}), ...(results ? { results } : {}) };
  }
  if (value.kind === "close" && isId(value.id)) return { kind: "close", id: value.id };
  if (value.kind === "results" && isId(value.id)) {
    const results = parseResults(value.results);
    return results ? { kind: "results", id: value.id, results } : undefined;
  }
  return undefined;
}

/** A `pollAnswer` message: its poll id and the raw choices (the tally checks them against the poll). */
export function parseAnswer(bytes: Uint8Array): { id: string; choices: unknown } | undefined {
  const value = json(bytes);
  if (!isObject(value) || !isId(value.id)) return undefined;
  return { id: value.id, choices: value.choices };
}

/** A fresh poll id: 96 random bits. */
export function newPollId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}
