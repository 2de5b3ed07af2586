/**
 * docs/privacy.md maps each of the authorities' criteria to the tests that
 * show it is met, by file and test name. A renamed or deleted test would
 * leave the mapping pointing at nothing; this test keeps it honest.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { missingCitations, type Citation } from "../helpers/citations.js";

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

test("every test docs/privacy.md cites exists, under the name it gives", () => {
  const cited = citations(readFileSync("docs/privacy.md", "utf8"));
  assert.ok(cited.length > 50, `the document cites tests (${cited.length} found)`);
  assert.deepEqual(missingCitations(cited), []);
});

test("every test file docs/privacy.md names, with or without test names, exists", () => {
  const files = [...readFileSync("docs/privacy.md", "utf8").matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g)].map((m) => m[1]!);
  assert.ok(files.length > 50, `the document names test files (${files.length} found)`);
  assert.deepEqual([...new Set(files)].filter((file) => !existsSync(file)), []);
});
