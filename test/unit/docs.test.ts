/**
 * docs/privacy.md maps each of the authorities' criteria to the tests that
 * show it is met, and docs/security.md each promise against an attacker, by
 * file and test name. A renamed or deleted test would leave the mapping
 * pointing at nothing; this test keeps both honest.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";

interface Citation {
  file: string;
  name: string;
}

/** Every `test/….test.ts` › "name", "name" (and "…") in a document. */
function citations(document: string): Citation[] {
  const found: Citation[] = [];
  for (const [, file, names] of document.matchAll(/`(test\/[\w/.-]+\.test\.ts)`(?:\s*\([^)]*\))?\s*›\s*([^\n]*)/g)) {
    // The names run up to the next citation of a file, or the end of the line.
    const own = names!.split(/;\s*`test\//)[0]!;
    for (const [, name] of own.matchAll(/"([^"]+)"/g)) found.push({ file: file!, name: name! });
  }
  return found;
}

/**
 * The titles a test file gives its tests and suites, each as its literal
 * parts: a template literal's `${…}` between two parts stands for any text,
 * so the document's "en: …" finds `${language}: …`.
 */
function titles(source: string): string[][] {
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
  if (rest.length === 0) return after === "" ;
  for (let i = 0; i <= after.length; i++) if (fits(after.slice(i), rest, prefix)) return true;
  return false;
}

/** A cited name is a title; one ending in "…" is the start of a title. */
function isCited(name: string, fileTitles: string[][]): boolean {
  const prefix = name.endsWith("…");
  const text = prefix ? name.slice(0, -1).trimEnd() : name;
  return fileTitles.some((parts) => fits(text, parts, prefix));
}

// privacy.md maps the authorities' criteria to tests, security.md each promise against an attacker.
for (const [document, atLeast] of [["docs/privacy.md", 50], ["docs/security.md", 40]] as const) {
  test(`every test ${document} cites exists, under the name it gives`, () => {
    const cited = citations(readFileSync(document, "utf8"));
    assert.ok(cited.length > atLeast, `the document cites tests (${cited.length} found)`);
    const missing: string[] = [];
    for (const { file, name } of cited) {
      if (!existsSync(file)) {
        missing.push(`${file} does not exist`);
        continue;
      }
      if (!isCited(name, titles(readFileSync(file, "utf8")))) missing.push(`${file} › "${name}"`);
    }
    assert.deepEqual(missing, []);
  });
}
