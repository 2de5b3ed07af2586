/**
 * A poll's results as CSV for its creator (issue 13): RFC 4180 quoting, CRLF
 * line ends, a byte-order mark so spreadsheet programs read UTF-8, and a
 * leading quote before anything a spreadsheet would run as a formula. An
 * anonymous poll's file has counts only, no names.
 */
import type { PollResults, PollSpec } from "./poll.js";

/** One field, quoted when it must be; a formula-looking start is defused with an apostrophe. */
export function csvField(value: string | number): string {
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

const row = (fields: (string | number)[]) => fields.map(csvField).join(",");

export interface CsvLabels {
  question: string;
  option: string;
  votes: string;
  voters: string;
  name: string;
  choices: string;
}

/** The whole file: BOM, question, a row per option with its count, the number who answered, and for a named poll who chose what. */
export function pollCsv(poll: PollSpec, results: PollResults, named: [name: string, choices: number[]][], labels: CsvLabels): string {
  const lines = [row([labels.question, poll.question]), row([labels.option, labels.votes])];
  poll.options.forEach((option, i) => lines.push(row([option, results.counts[i] ?? 0])));
  lines.push(row([labels.voters, results.voters]));
  if (!poll.anonymous && named.length) {
    lines.push("", row([labels.name, labels.choices]));
    for (const [name, choices] of named) lines.push(row([name, choices.map((c) => poll.options[c] ?? "").join("; ")]));
  }
  return `\uFEFF${lines.join("\r\n")}\r\n`;
}
