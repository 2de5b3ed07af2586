/**
 * Docs that cannot drift. docs/privacy.md maps each of the authorities'
 * criteria to the tests that show it is met, and docs/security.md each
 * promise against an attacker, by file and test name: a renamed or deleted
 * test would leave the mapping pointing at nothing.
 * docs/architecture.md names files, classes and their methods, and
 * docs/protocol.md shows every message: a renamed one would leave them wrong.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { ClientMessage, PROTOCOL_VERSION, ServerMessage, parseClientMessage } from "../../src/protocol/messages.js";
import { missingCitations, type Citation } from "../helpers/citations.js";
import { declarationsIn, filesUnder } from "../helpers/source-index.js";

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

// privacy.md maps the authorities' criteria to tests, security.md each promise against an attacker.
for (const [document, atLeast] of [["docs/privacy.md", 50], ["docs/security.md", 40]] as const) {
  test(`every test ${document} cites exists, under the name it gives`, () => {
    const cited = citations(readFileSync(document, "utf8"));
    assert.ok(cited.length > atLeast, `the document cites tests (${cited.length} found)`);
    assert.deepEqual(missingCitations(cited), []);
  });

  test(`every test file ${document} names, with or without test names, exists`, () => {
    const files = [...readFileSync(document, "utf8").matchAll(/`(test\/[\w/.-]+\.test\.ts)`/g)].map((m) => m[1]!);
    assert.ok(files.length > atLeast, `the document names test files (${files.length} found)`);
    assert.deepEqual([...new Set(files)].filter((file) => !existsSync(file)), []);
  });
}

// ---------------------------------------------------------------------------
// docs/architecture.md: the parts, paths and names it cites.
//
// The conventions it follows, so that a test can check it:
// - the parts table: one row per file or folder, `path` | what it is; every name in backticks in
//   a row (`LiveRoom`, `decideAdmission`, `CloseCode`) is declared in that file (or folder), or
//   is a protocol message;
// - every source file outside src/client/ has a row, and so does every file and folder directly
//   in src/client/, bench/, examples/ and scripts/;
// - elsewhere, a name in backticks that starts with a capital (`LiveRoom`) or names a member
//   (`LiveRoom.join`, also in the walkthroughs' diagrams without backticks) is declared in
//   Treff's source with that member;
// - every path under src/, test/, bench/, examples/, scripts/, docs/ or public/ exists.

const ARCHITECTURE = "docs/architecture.md";
/** Where the names the document cites are declared: the product, its example and benchmarks, the unit tests' fakes. */
const SOURCE = ["src", "examples", "bench", "test/fakes"];
/** Names from other projects the document compares with, not declared in Treff's source. */
const FOREIGN = new Set<string>(["StartParticipantSignal" /* LiveKit's */]);
/** A row may name the protocol messages its file deals with. */
const MESSAGE_TYPES = new Set<string>([...ClientMessage.options, ...ServerMessage.options].map((o) => o.shape.type.value));

interface PartsRow {
  path: string;
  names: string[];
}

function architecture(): { text: string; prose: string; code: string; rows: PartsRow[] } {
  const text = readFileSync(ARCHITECTURE, "utf8");
  const code = [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]!).join("\n");
  const prose = text.replace(/^```[^\n]*\n[\s\S]*?^```/gm, "");
  const rows: PartsRow[] = [];
  for (const [, path, what] of text.matchAll(/^\| `([^`]+)` \| (.*) \|$/gm)) {
    const names = [...what!.matchAll(/`([A-Za-z_][A-Za-z0-9_]*)`/g)].map((m) => m[1]!);
    rows.push({ path: path!, names });
  }
  return { text, prose, code, rows };
}

const sourceIndex = declarationsIn(SOURCE.flatMap((dir) => filesUnder(dir)));

/** The members a name's declarations have, or undefined when Treff declares no such name. */
function membersOf(name: string): Set<string> | undefined {
  const declarations = sourceIndex.get(name);
  if (!declarations) return undefined;
  return new Set(declarations.flatMap((d) => [...d.members]));
}

describe(ARCHITECTURE, () => {
  test("every path it names exists", () => {
    const { text } = architecture();
    const paths = new Set(
      [...text.matchAll(/(?<![\w./-])((?:src|test|bench|examples|scripts|docs|public)\/[\w./-]*)/g)].map((m) => m[1]!.replace(/[.,]+$/, "")),
    );
    assert.ok(paths.size > 60, `the document names paths (${paths.size} found)`);
    assert.deepEqual([...paths].filter((p) => !existsSync(p)), []);
  });

  test("the parts table lists every server module, and the client, benchmarks, example and scripts by file or folder", () => {
    const listed = new Set(architecture().rows.map((r) => r.path));
    const server = filesUnder("src").filter((f) => !f.startsWith("src/client/"));
    const topLevel = ["src/client", "bench", "examples", "scripts"].flatMap((dir) =>
      readdirSync(dir, { withFileTypes: true }).map((e) => (e.isDirectory() ? `${dir}/${e.name}/` : `${dir}/${e.name}`)),
    );
    assert.deepEqual([...server, ...topLevel].filter((p) => !listed.has(p)), []);
  });

  test("every name in a row of the parts table is declared in that row's file or folder", () => {
    const missing: string[] = [];
    for (const { path, names } of architecture().rows) {
      const inRow = (d: { file: string }) => d.file === path || (path.endsWith("/") && d.file.startsWith(path));
      for (const name of names) {
        if (!sourceIndex.get(name)?.some(inRow) && !MESSAGE_TYPES.has(name)) missing.push(`${name} in ${path}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  test("every class, interface or member it cites is declared, with that member", () => {
    const { prose, code } = architecture();
    const cited = new Set<string>();
    for (const [, name] of prose.matchAll(/`([A-Z][A-Za-z0-9]*[a-z][A-Za-z0-9]*(?:\.[a-z_][A-Za-z0-9_]*)?)(?:\(\))?`/g)) cited.add(name!);
    for (const [, name] of code.matchAll(/\b([A-Z][A-Za-z0-9]*\.[a-z_][A-Za-z0-9_]*)\b/g)) cited.add(name!);
    assert.ok(cited.size > 60, `the document cites names (${cited.size} found)`);
    const missing = [...cited].filter((citation) => {
      const [name, member] = citation.split(".") as [string, string | undefined];
      if (FOREIGN.has(name)) return false;
      const members = membersOf(name);
      return !members || (member !== undefined && !members.has(member));
    });
    assert.deepEqual(missing, []);
  });
});

// ---------------------------------------------------------------------------
// docs/protocol.md: a JSON example for every message, each one valid.

/** Every JSON value in the document's ```json blocks: a block is one value, or one value per line. */
function jsonExamples(document: string): unknown[] {
  return [...document.matchAll(/^```json\n([\s\S]*?)^```/gm)].flatMap(([, block]) => {
    try {
      return [JSON.parse(block!)];
    } catch {
      return block!.split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line) as unknown);
    }
  });
}

/** Fields of `example` that the schema does not know (it would drop them silently), as paths. */
function unknownFields(example: unknown, parsed: unknown, at = ""): string[] {
  if (Array.isArray(example) && Array.isArray(parsed)) return example.flatMap((e, i) => unknownFields(e, parsed[i], `${at}[${i}]`));
  if (typeof example !== "object" || example === null || typeof parsed !== "object" || parsed === null) return [];
  return Object.entries(example).flatMap(([key, value]) =>
    key in parsed ? unknownFields(value, (parsed as Record<string, unknown>)[key], `${at}.${key}`) : [`${at}.${key}`],
  );
}

describe("docs/protocol.md", () => {
  test("every message example is valid, in full, and every message of each direction has one", () => {
    const examples = jsonExamples(readFileSync("docs/protocol.md", "utf8")).filter(
      (e): e is { type: string } => typeof e === "object" && e !== null && "type" in e,
    );
    const shown = { client: new Set<string>(), server: new Set<string>() };
    const invalid: string[] = [];
    for (const example of examples) {
      // Valid in full as one direction's message: nothing the schema would drop without a word.
      const asClient = parseClientMessage(JSON.stringify(example));
      const asServer = ServerMessage.safeParse(example);
      const client = asClient.ok && unknownFields(example, asClient.message).length === 0;
      const server = asServer.success && unknownFields(example, asServer.data).length === 0;
      if (client) shown.client.add(example.type);
      if (server) shown.server.add(example.type);
      if (client || server) continue;
      const why = asClient.ok ? unknownFields(example, asClient.message).join(", ") : asClient.message;
      invalid.push(`${JSON.stringify(example).slice(0, 80)}: ${why}`);
    }
    assert.deepEqual(invalid, []);
    const types = (options: readonly { shape: { type: { value: string } } }[]) => options.map((o) => o.shape.type.value);
    assert.deepEqual(types(ClientMessage.options).filter((t) => !shown.client.has(t)), [], "client messages without an example");
    assert.deepEqual(types(ServerMessage.options).filter((t) => !shown.server.has(t)), [], "server messages without an example");
  });

  test("it describes the protocol version the server speaks", () => {
    assert.match(readFileSync("docs/protocol.md", "utf8"), new RegExp(`describes protocol version \\*\\*${PROTOCOL_VERSION}\\*\\*`));
  });
});
