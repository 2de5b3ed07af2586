/**
 * The operator's privacy declarations in the configuration (field `privacy`):
 * set from the file or the environment, and contradictions or gaps the page
 * would have to paper over stop the start with an error naming the field.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, loadConfig } from "../../src/server/config.js";

function errorFor(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.message;
  }
  assert.fail(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe("privacy configuration", () => {
  test("nothing declared by default: every declaration is 'unknown' or empty", () => {
    const { privacy } = loadConfig({});
    assert.deepEqual(privacy.legalBasis, []);
    assert.equal(privacy.hosting, "unknown");
    assert.equal(privacy.thirdCountries, "unknown");
    assert.equal(privacy.proxyLogs, "unknown");
    assert.equal(privacy.turnLogs, "unknown");
    assert.equal(privacy.healthData, false);
  });

  test("every declaration can be set from the environment", () => {
    const { privacy } = loadConfig({
      TREFF_LEGAL_BASIS: "contract, legitimate-interests",
      TREFF_LEGITIMATE_INTERESTS_DE: "Besprechungen mit Mitgliedern",
      TREFF_LEGITIMATE_INTERESTS_EN: "meetings with members",
      TREFF_HEALTH_DATA: "true",
      TREFF_HOSTING_PROVIDER: "Hoster GmbH, Berlin",
      TREFF_PROCESSORS: JSON.stringify([{ name: "IT Service KG", purpose: { de: "Wartung", en: "maintenance" }, country: "Germany" }]),
      TREFF_THIRD_COUNTRIES: "none",
      TREFF_PROXY_LOGS: "addresses",
      TREFF_PROXY_LOG_DAYS: "7",
      TREFF_TURN_LOGS: "none",
      TREFF_PRIVACY_NOTES_DE: "Hinweis",
      TREFF_PRIVACY_NOTES_EN: "Note",
    });
    assert.deepEqual(privacy, {
      legalBasis: ["contract", "legitimate-interests"],
      legitimateInterests: { de: "Besprechungen mit Mitgliedern", en: "meetings with members" },
      healthData: true,
      hosting: "provider",
      hostingProvider: "Hoster GmbH, Berlin",
      processors: [{ name: "IT Service KG", purpose: { de: "Wartung", en: "maintenance" }, country: "Germany" }],
      thirdCountries: "none",
      transfers: [],
      proxyLogs: "addresses",
      proxyLogDays: 7,
      turnLogs: "none",
      notes: { de: "Hinweis", en: "Note" },
    });
  });

  test("a text given in one language serves both; a single string serves both", () => {
    const dir = mkdtempSync(join(tmpdir(), "treff-privacy-config-"));
    try {
      const file = join(dir, "config.json");
      writeFileSync(file, JSON.stringify({ privacy: { notes: "Beide Sprachen", processors: [{ name: "A", purpose: { de: "Hosting" } }] } }));
      const { privacy } = loadConfig({ TREFF_CONFIG: file });
      assert.deepEqual(privacy.notes, { de: "Beide Sprachen", en: "Beide Sprachen" });
      assert.deepEqual(privacy.processors[0]!.purpose, { de: "Hosting", en: "Hosting" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("hosting 'own' on its own, and a provider's name implies hosting 'provider'", () => {
    assert.equal(loadConfig({ TREFF_HOSTING: "own" }).privacy.hosting, "own");
    assert.equal(loadConfig({ TREFF_HOSTING_PROVIDER: "Hoster GmbH" }).privacy.hosting, "provider");
  });

  const invalid: [string, NodeJS.ProcessEnv, RegExp][] = [
    ["an unknown legal basis", { TREFF_LEGAL_BASIS: "consent" }, /privacy\.legalBasis\.0 \(env TREFF_LEGAL_BASIS\): choose from contract, public-task, legitimate-interests/],
    [
      "legitimate interests without saying which",
      { TREFF_LEGAL_BASIS: "legitimate-interests" },
      /privacy\.legitimateInterests \(env TREFF_LEGITIMATE_INTERESTS_DE, TREFF_LEGITIMATE_INTERESTS_EN\): .*Art\. 13\(1\)\(d\)/,
    ],
    ["an unknown log policy", { TREFF_PROXY_LOGS: "some" }, /privacy\.proxyLogs \(env TREFF_PROXY_LOGS\)/],
    ["proxy logs with addresses but no retention", { TREFF_PROXY_LOGS: "addresses" }, /privacy\.proxyLogDays \(env TREFF_PROXY_LOG_DAYS\): .*retention/],
    ["TURN logs with addresses but no retention", { TREFF_TURN_LOGS: "addresses" }, /privacy\.turnLogDays \(env TREFF_TURN_LOG_DAYS\)/],
    ["a retention of zero days", { TREFF_PROXY_LOGS: "addresses", TREFF_PROXY_LOG_DAYS: "0" }, /privacy\.proxyLogDays/],
    ["hosting 'own' and a provider", { TREFF_HOSTING: "own", TREFF_HOSTING_PROVIDER: "Hoster" }, /privacy\.hostingProvider \(env TREFF_HOSTING_PROVIDER\): .*contradict/],
    ["hosting 'provider' without a name", { TREFF_HOSTING: "provider" }, /privacy\.hostingProvider \(env TREFF_HOSTING_PROVIDER\)/],
    ["processors that are not JSON", { TREFF_PROCESSORS: "Hoster GmbH" }, /privacy\.processors \(env TREFF_PROCESSORS\): expected a JSON list/],
    ["a processor without a purpose", { TREFF_PROCESSORS: '[{"name": "A"}]' }, /privacy\.processors\.0\.purpose/],
    [
      "'no third countries' with a transfer listed",
      { TREFF_THIRD_COUNTRIES: "none", TREFF_TRANSFERS: '[{"recipient": "A", "country": "USA", "safeguard": "SCC"}]' },
      /privacy\.transfers \(env TREFF_TRANSFERS\): .*contradicts/,
    ],
    ["a transfer without its safeguard", { TREFF_TRANSFERS: '[{"recipient": "A", "country": "USA"}]' }, /privacy\.transfers\.0\.safeguard/],
    ["health data as a word", { TREFF_HEALTH_DATA: "maybe" }, /privacy\.healthData \(env TREFF_HEALTH_DATA\)/],
  ];
  for (const [what, env, message] of invalid) {
    test(`stops with an error naming the field: ${what}`, () => {
      assert.match(errorFor(env), message);
    });
  }
});
