/**
 * The code's shape, kept by a test (issue 9): the layers import only
 * downwards, and no source file grows past what one person reads in one go.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SRC = join(ROOT, "src");
const MAX_LINES = 400;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** The top-level part of src/ a file belongs to: "server", "client", "meeting", … */
function layerOf(path: string): string {
  return relative(SRC, path).split("/")[0] ?? "";
}

/** Layers each layer may import from (besides itself). Anything not listed is forbidden. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  protocol: [],
  common: ["protocol"],
  media: ["common", "protocol"],
  meeting: ["common", "protocol", "media"],
  cluster: ["common", "protocol", "media", "meeting"],
  client: ["common", "protocol"],
};

function importsOf(path: string): string[] {
  const text = readFileSync(path, "utf8");
  const found = [...text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]!);
  return found.map((spec) => resolve(dirname(path), spec));
}

test(`no source file is longer than ${MAX_LINES} lines`, () => {
  const long = sourceFiles(SRC)
    .map((path) => ({ path: relative(ROOT, path), lines: readFileSync(path, "utf8").split("\n").length - 1 }))
    .filter((file) => file.lines > MAX_LINES);
  assert.deepEqual(long, [], "split these along their seams");
});

test("the layers import only downwards: media, meeting and cluster know nothing of the server, the browser only the protocol", () => {
  const wrong: string[] = [];
  for (const path of sourceFiles(SRC)) {
    const layer = layerOf(path);
    const allowed = MAY_IMPORT[layer];
    if (!allowed) continue; // server, consultation, compliance: the top, they may use everything below
    for (const target of importsOf(path)) {
      if (!target.startsWith(SRC)) continue;
      const to = layerOf(target);
      if (to !== layer && !allowed.includes(to)) wrong.push(`${relative(ROOT, path)} → src/${to}`);
    }
  }
  assert.deepEqual(wrong, []);
});

test("the layering check sees imports (it is not vacuous)", () => {
  const meeting = importsOf(join(SRC, "meeting", "room-media.ts")).map(layerOf);
  assert.ok(meeting.includes("media"), "room-media.ts imports the media plane");
});
