// Runs the test suites with Node's own test runner (TypeScript through tsx).
//   node scripts/test.mjs               all suites: unit, integration, e2e
//   node scripts/test.mjs unit e2e      only those
// Suites run one file at a time: the integration and end-to-end files each
// start a real Janus and real Chromium, and two cores are all we have.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { join } from "node:path";

const SUITES = ["unit", "integration", "e2e"];
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : SUITES;
const unknown = wanted.filter((s) => !SUITES.includes(s));
if (unknown.length) {
  console.error(`unknown suite(s): ${unknown.join(", ")}; choose from ${SUITES.join(", ")}`);
  process.exit(2);
}
const files = wanted.flatMap((suite) =>
  readdirSync(join("test", suite))
    .filter((f) => f.endsWith(".test.ts"))
    .sort()
    .map((f) => join("test", suite, f)),
);
// The end-to-end and integration suites want a loopback-range address for media (see the script).
if (wanted.some((s) => s !== "unit")) spawnSync("bash", ["scripts/media-loopback.sh"], { stdio: "inherit" });
const result = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=1", "--test-timeout=180000", "--test-reporter=spec", ...files],
  { stdio: "inherit" },
);
process.exit(result.status ?? 1);
