/**
 * Finding tests by the names documents give them: docs/privacy.md and the
 * compliance kit cite tests as a file and a test name, and their tests fail
 * when a cited test no longer exists under that name.
 */
import { existsSync, readFileSync } from "node:fs";

export interface Citation {
  file: string;
  name: string;
}

/**
 * The titles a test file gives its tests and suites, each as its literal
 * parts: a template literal's `${…}` between two parts stands for any text,
 * so the document's "en: …" finds `${language}: …`.
 */
export function titles(source: string): string[][] {
  const found: string[][] = [];
  for (const [, quoted, template] of source.matchAll(/\b(?:test|describe)\(\s*(?:"((?:[^"\\]|\\.)*)"|`([^`]*)`)/g)) {
    const title = quoted !== undefined ? (JSON.parse(`"${quoted}"`) as string) : template!;
    found.push(title.split(/\$\{[^}]*\}/));
  }
  return found;
}

/** Whether `text` is a title of these parts (or, with `prefix`, the start of one). */
function fits(text: string, parts: readonly string[], prefix: boolean): boolean {
  const [first, ...rest] = parts;
  if (prefix && text.length <= first!.length) return first!.startsWith(text);
  if (!text.startsWith(first!)) return false;
  const after = text.slice(first!.length);
  if (rest.length === 0) return after === "";
  for (let i = 0; i <= after.length; i++) if (fits(after.slice(i), rest, prefix)) return true;
  return false;
}

/** A cited name is a title; one ending in "…" is the start of a title. */
export function isCited(name: string, fileTitles: string[][]): boolean {
  const prefix = name.endsWith("…");
  const text = prefix ? name.slice(0, -1).trimEnd() : name;
  return fileTitles.some((parts) => fits(text, parts, prefix));
}

/** The citations that point at no test: a missing file, or no test of that name in it. */
export function missingCitations(cited: readonly Citation[]): string[] {
  const missing: string[] = [];
  const cache = new Map<string, string[][]>();
  for (const { file, name } of cited) {
    if (!existsSync(file)) {
      missing.push(`${file} does not exist`);
      continue;
    }
    if (!cache.has(file)) cache.set(file, titles(readFileSync(file, "utf8")));
    if (!isCited(name, cache.get(file)!)) missing.push(`${file} › "${name}"`);
  }
  return missing;
}
