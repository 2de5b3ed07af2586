/**
 * `npm run compliance` end to end: it reads the configuration as the server
 * does (TREFF_CONFIG, then the environment), writes the kit in both
 * languages as Markdown and PDF into the folder given, and refuses an
 * invalid configuration with the server's error, writing nothing.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const dir = mkdtempSync(join(tmpdir(), "treff-compliance-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function compliance(env: Record<string, string>, ...args: string[]) {
  // Only what the command needs: the test runner's own TREFF_* or TURN_* variables must not leak in,
  // and npm must not ask the registry whether it is up to date.
  return spawnSync("npm", ["run", "--silent", "compliance", "--", ...args], {
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? dir, npm_config_update_notifier: "false", ...env },
    encoding: "utf8",
    timeout: 120_000,
  });
}

describe("npm run compliance", () => {
  test("writes the kit in German and English, as Markdown and PDF, from the config file and the environment", () => {
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ operator: { name: "Praxis Dr. Ärztin", contact: "praxis@example.org" }, privacy: { healthData: true } }));
    const out = join(dir, "kit");
    const run = compliance({ TREFF_CONFIG: config, TREFF_HOSTING_PROVIDER: "Hoster GmbH" }, "--out", out);
    assert.equal(run.status, 0, run.stderr);
    for (const language of ["de", "en"]) {
      const pdf = readFileSync(join(out, `treff-compliance-${language}.pdf`));
      assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-", `${language}: a PDF`);
      const md = readFileSync(join(out, `treff-compliance-${language}.md`), "utf8");
      assert.ok(md.includes("Praxis Dr. Ärztin"), `${language}: the operator from the file`);
      assert.ok(md.includes("Hoster GmbH"), `${language}: the hosting provider from the environment`);
      assert.ok(md.includes(language === "de" ? "Art. 9 Abs. 2 lit. h" : "Art. 9(2)(h)"), `${language}: health data`);
    }
  });

  test("an invalid configuration stops it with the field named, and nothing is written", () => {
    const out = join(dir, "never");
    const run = compliance({ TREFF_PROXY_LOGS: "addresses" }, "--out", out);
    assert.equal(run.status, 2);
    assert.match(run.stderr, /privacy\.proxyLogDays \(env TREFF_PROXY_LOG_DAYS\)/);
    assert.ok(!existsSync(out));
  });
});
