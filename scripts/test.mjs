// Runs the test suites with Node's own test runner (TypeScript through tsx).
//   node scripts/test.mjs               all suites: unit, integration, e2e
//   node scripts/test.mjs unit e2e      only those
// Suites run one file at a time: the integration and end-to-end files each
// start a real Janus and real Chromium, and two cores are all we have.
// At the end it prints how long each suite and each file took (wall clock),
// so the cost of a new test shows, and README's table can be kept current.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

const SUITES = ["unit", "integration", "e2e"];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : SUITES;
const unknown = wanted.filter((s) => !SUITES.includes(s));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; choose from ${SUITES.join(", ")}`);
  process.exit(2);
}
const filesOf = (suite) =>
  readdirSync(join("test", suite))
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => join("test", suite, f));

// The end-to-end and integration suites want a loopback-range address for media (see the script).
if (wanted.some((s) => s !== "unit")) spawnSync("bash", ["scripts/media-loopback.sh"], { stdio: "inherit" });

const timesDir = mkdtempSync(join(tmpdir(), "treff-test-times-"));
const results = [];
let failed = false;
for (const suite of wanted) {
  const timesFile = join(timesDir, `${suite}.jsonl`);
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [
      "--import", "tsx",
      "--test", "--test-concurrency=1", "--test-timeout=180000",
      "--test-reporter=spec", "--test-reporter-destination=stdout",
      "--test-reporter=./scripts/test-times.mjs", `--test-reporter-destination=${timesFile}`,
      ...filesOf(suite),
    ],
    { stdio: "inherit" },
  );
  const files = readFileSync(timesFile, "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line));
  results.push({ suite, ms: performance.now() - started, files, passed: result.status === 0 });
  if (result.status !== 0) failed = true;
}
rmSync(timesDir, { recursive: true, force: true });

const seconds = (ms) => `${(ms / 1000).toFixed(1).padStart(6)} s`;
console.log("\nTime taken (wall clock, one file at a time), slowest files first:");
for (const { suite, ms, files, passed } of results) {
  console.log(`\n${seconds(ms)}  ${suite}: ${files.length} files${passed ? "" : ", FAILED"}`);
  for (const file of [...files].sort((a, b) => b.ms - a.ms)) {
    console.log(`${seconds(file.ms)}    ${relative(process.cwd(), file.file)}${file.passed ? "" : "  ✖"}`);
  }
}
if (results.length > 1) console.log(`\n${seconds(results.reduce((sum, r) => sum + r.ms, 0))}  in all`);
process.exit(failed ? 1 : 0);
