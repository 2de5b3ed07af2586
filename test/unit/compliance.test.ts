/**
 * The operator's compliance kit (src/compliance/): every measure cites tests
 * that exist, and what the documents say follows the configuration: the
 * processors, the legal basis, end-to-end encryption on or off, TURN declared
 * or not, health data; and what nobody declared is marked open, not guessed.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../src/server/config.js";
import type { PageLanguage } from "../../src/server/privacy-facts.js";
import type { Block, ComplianceDocument, Section } from "../../src/compliance/document.js";
import { complianceKit } from "../../src/compliance/kit.js";
import { MEASURES } from "../../src/compliance/measures.js";
import { toMarkdown } from "../../src/compliance/markdown.js";
import { toPdf, winAnsi } from "../../src/compliance/pdf.js";
import { missingCitations } from "../helpers/citations.js";

const OPTIONS = { generatedAt: new Date("2025-03-04T10:00:00Z"), version: "1.2.3" };
const TURN = { secret: "turn-secret-for-tests", urls: ["turns:turn.example.org:443?transport=tcp"] };

function blockText(b: Block): string[] {
  if (b.kind === "paragraph") return [b.text];
  if (b.kind === "list") return b.items.flatMap((i) => (typeof i === "string" ? [i] : [i.text, ...i.details]));
  return [b.header, ...b.rows].map((row) => row.join(" | "));
}

function sectionText(s: Section): string[] {
  return [s.title, ...s.blocks.flatMap(blockText), ...(s.sections ?? []).flatMap(sectionText)];
}

/** One chapter's text (1 record, 2 measures, 3 deletion, 4 DPIA, 5 tasks), lines joined. */
function chapter(doc: ComplianceDocument, n: number): string {
  return sectionText(doc.chapters[n - 1]!).join("\n");
}

function kit(raw: Record<string, unknown>, language: PageLanguage = "en"): ComplianceDocument {
  return complianceKit(parseConfig(raw), language, OPTIONS);
}

const rented = {
  operator: { name: "Verein e.V.", contact: "vorstand@verein.example" },
  privacy: {
    legalBasis: ["contract", "legitimate-interests"],
    legitimateInterests: { de: "Vereinssitzungen", en: "club meetings" },
    hostingProvider: "Hoster GmbH",
    processors: [{ name: "IT-Service KG", purpose: { de: "Wartung", en: "maintenance" }, country: "Germany" }],
    thirdCountries: "none",
    proxyLogs: "addresses",
    proxyLogDays: 7,
    turnLogs: "none",
  },
  turn: TURN,
};

describe("the compliance kit", () => {
  test("every test a measure cites exists, under the name given", () => {
    const cited = MEASURES.flatMap((m) => m.tests);
    assert.ok(cited.length >= 30, `measures cite tests (${cited.length})`);
    assert.ok(MEASURES.every((m) => m.tests.length > 0), "each measure cites at least one test");
    assert.deepEqual(missingCitations(cited), []);
  });

  test("both languages: the same five chapters, in the language asked for", () => {
    for (const language of ["de", "en"] as const) {
      const doc = kit(rented, language);
      assert.equal(doc.language, language);
      assert.equal(doc.chapters.length, 5);
      assert.match(doc.chapters[0]!.title, language === "de" ? /Verzeichnis von Verarbeitungstätigkeiten \(Art\. 30/ : /record of processing activities \(Art\. 30/);
      assert.match(doc.chapters[4]!.title, language === "de" ? /Was der Betreiber selbst tun muss/ : /What the operator must still do/);
      assert.ok(doc.subtitle[0]!.includes("2025-03-04") && doc.subtitle[0]!.includes("1.2.3"), "date and version");
    }
  });

  test("the record names the declared controller, legal bases, hosting provider and processors; the tasks ask for a contract with each", () => {
    const doc = kit(rented);
    const record = chapter(doc, 1);
    for (const phrase of ["Verein e.V.", "vorstand@verein.example", "Art. 6(1)(b) GDPR", "Art. 6(1)(f) GDPR", "legitimate interests: club meetings", "hosting provider (processor): Hoster GmbH", "processor: IT-Service KG (Germany), maintenance", "TURN relay servers: turn.example.org", "no data leaves the EU/EEA"]) {
      assert.ok(record.includes(phrase), phrase);
    }
    assert.doesNotMatch(record, /to be filled in/);
    const tasks = chapter(doc, 5);
    assert.ok(tasks.includes("processing agreement (Art. 28 GDPR) with the hosting provider Hoster GmbH"));
    assert.ok(tasks.includes("processing agreement (Art. 28 GDPR) with IT-Service KG"));
    assert.ok(tasks.includes("reverse proxy's logs are deleted after 7 days"));
  });

  test("with nothing declared, everything only the controller knows is marked open, and listed as a task", () => {
    const doc = kit({});
    const record = chapter(doc, 1);
    for (const gap of ["name (TREFF_OPERATOR_NAME)", "contact (TREFF_OPERATOR_CONTACT)", "legal basis (TREFF_LEGAL_BASIS)", "hosting provider, if the server is rented", "where the server, relay and processors are (TREFF_THIRD_COUNTRIES"]) {
      assert.ok(record.includes(`[to be filled in by the controller: ${gap}`), gap);
    }
    assert.doesNotMatch(record, /Art\. 6\(1\)\(.\)/, "no legal basis is guessed");
    assert.ok(chapter(doc, 3).includes("[not declared: TREFF_PROXY_LOGS]"));
    const tasks = chapter(doc, 5);
    for (const task of ["Fill in the controller's name and contact", "Decide on the legal basis", "Declare whether the server runs on your own equipment", "Declare whether data leaves the EU/EEA", "Set up the reverse proxy to log no addresses"]) {
      assert.ok(tasks.includes(task), task);
    }
    assert.ok(doc.title.includes("[controller not filled in]"));
  });

  test("end-to-end encryption on: its measures are listed; off: they are not, and the tasks say it is off; required: said so", () => {
    const on = kit({});
    const off = kit({ meetings: { e2ee: false } });
    assert.ok(chapter(on, 2).includes("End-to-end encryption of audio, video, screen and chat"));
    assert.ok(!chapter(off, 2).includes("End-to-end encryption of audio, video, screen and chat"));
    assert.ok(chapter(off, 5).includes("End-to-end encryption is switched off (`TREFF_E2EE=off`)"));
    assert.ok(!chapter(on, 5).includes("switched off (`TREFF_E2EE=off`)"));
    assert.ok(chapter(on, 3).includes("E2EE key pair") && !chapter(off, 3).includes("E2EE key pair"), "the kept key pair only with E2EE");
    const required = kit({ meetings: { e2ee: "required" }, privacy: { healthData: true } });
    assert.ok(chapter(required, 2).includes("End-to-end encryption is required server-wide (TREFF_E2EE=required)"));
    assert.ok(!chapter(on, 2).includes("required server-wide"));
    assert.ok(chapter(required, 5).includes("(end-to-end encryption is required on this server)"));
    assert.ok(chapter(kit({ privacy: { healthData: true } }), 5).includes("Require end-to-end encryption (`TREFF_E2EE=required`)"));
  });

  test("TURN: no row without it; with it, its log as declared, or open with a task", () => {
    assert.ok(!chapter(kit({}), 3).includes("TURN server's log"));
    assert.ok(chapter(kit({ turn: TURN, privacy: { turnLogs: "none" } }), 3).includes("TURN server's log | nowhere (no log configured)"));
    assert.ok(chapter(kit({ turn: TURN, privacy: { turnLogs: "addresses", turnLogDays: 3 } }), 3).includes("TURN server's log | log with connection addresses | 3 days"));
    const undeclared = kit({ turn: TURN });
    assert.ok(chapter(undeclared, 3).includes("[not declared: TREFF_TURN_LOGS]"));
    assert.ok(chapter(undeclared, 5).includes("Set up coturn to log nothing"));
    assert.ok(chapter(undeclared, 3).includes("TURN credentials | not stored; made per connection | valid for 360 minutes"));
  });

  test("health data: two DPIA criteria met, a DPIA is required, and the tasks name certification and required encryption", () => {
    const health = kit({ privacy: { legalBasis: ["contract"], healthData: true } });
    assert.ok(chapter(health, 1).includes("Art. 9(2)(h) and (3) GDPR"));
    assert.ok(chapter(health, 4).includes("2 criteria are met: a data protection impact assessment is required"));
    const tasks = chapter(health, 5);
    assert.ok(tasks.includes("Anlage 31b BMV-Ä") && tasks.includes("Treff holds no such certification"));
    assert.ok(tasks.includes("Only browsers with end-to-end encryption may join"));
    const plain = chapter(kit({}), 4);
    assert.ok(plain.includes("no criterion is met") && plain.includes("4 criteria only the controller can judge"));
  });

  test("configuration-dependent measures follow the configuration: lobby, meeting creation by token, media off by default", () => {
    assert.ok(chapter(kit({}), 2).includes("Lobby: guests wait"));
    assert.ok(!chapter(kit({ meetings: { lobby: false } }), 2).includes("Lobby: guests wait"));
    assert.ok(chapter(kit({ meetings: { lobby: false } }), 5).includes("The lobby is switched off"));
    assert.ok(!chapter(kit({}), 2).includes("signed token"));
    assert.ok(chapter(kit({ meetings: { creation: "token", creationSecret: "c".repeat(16) } }), 2).includes("signed token (HS256 JWT)"));
    assert.ok(chapter(kit({ meetings: { mediaOffByDefault: true } }), 2).includes("Camera and microphone stay off"));
  });

  test("Markdown: configured values cannot become markup, a link or a table column", () => {
    const md = toMarkdown(kit({ operator: { name: "Evil <script>x</script> | *bold* [link](http://x) `code`", contact: "a@b.example" } }));
    assert.ok(!md.includes("<script>"), "no raw HTML");
    assert.ok(md.includes("Evil \\<script\\>x\\</script\\> \\| \\*bold\\* \\[link\\](http://x) 'code'"));
    for (const line of md.split("\n").filter((l) => l.startsWith("| Controller"))) assert.equal(line.split(/(?<!\\)\|/).length, 4, "two cells");
    assert.match(md, /^# Data protection records: Treff at /);
    assert.match(md, /^## 1\. Entry in the record/m);
    assert.match(md, /^- .*\n {2}- Shown by: `test\/e2e\/meeting\.test\.ts` › "two participants see and hear each other"/m);
  });

  test("PDF: the standard fonts' letters stay, others lose their accents, and a document renders", async () => {
    assert.equal(winAnsi("Müller – „Zitat“ € ß"), "Müller – „Zitat“ € ß");
    assert.equal(winAnsi("Łódź, Čapek, Ørsted"), "Lódz, Capek, Ørsted");
    assert.equal(winAnsi("a → b ≤ c 中"), "a -> b <= c ?");
    const pdf = await toPdf(kit(rented, "de"), OPTIONS.generatedAt);
    assert.equal(pdf.subarray(0, 5).toString("latin1"), "%PDF-");
    assert.ok(pdf.length > 5_000);
  });
});
