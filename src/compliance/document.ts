/**
 * The compliance kit as a document model: chapters of paragraphs, lists and
 * tables, written once by the generators (kit.ts) and drawn twice, as
 * Markdown (markdown.ts) and as PDF (pdf.ts).
 *
 * Text is plain. A part between backticks is code (a variable, a file, a
 * test name's file); configured values go in through `literal`, so they can
 * never open or close such a part.
 */
import type { PageLanguage } from "../server/privacy-facts.js";

/** A list item: a text, or a text with smaller lines under it (a measure and its tests). */
export type ListItem = string | { text: string; details: string[] };

export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: ListItem[] }
  | { kind: "table"; header: string[]; rows: string[][] };

export interface Section {
  title: string;
  blocks: Block[];
  sections?: Section[];
}

export interface ComplianceDocument {
  language: PageLanguage;
  title: string;
  /** Lines under the title: what generated it, from what, when. */
  subtitle: string[];
  chapters: Section[];
}

export const paragraph = (text: string): Block => ({ kind: "paragraph", text });
export const list = (items: ListItem[]): Block => ({ kind: "list", items });
export const table = (header: string[], rows: string[][]): Block => ({ kind: "table", header, rows });

/** A configured value as text: a backtick in it becomes a plain apostrophe. */
export function literal(value: string): string {
  return value.replace(/`/g, "'");
}

/** The pieces of a text: plain and code, alternating (the first is plain, possibly empty). */
export function pieces(text: string): { text: string; code: boolean }[] {
  return text.split("`").map((part, i) => ({ text: part, code: i % 2 === 1 }));
}

/** Picks one language's text. */
export function pick<T>(language: PageLanguage, texts: { de: T; en: T }): T {
  return texts[language];
}
