/**
 * The privacy page as text: what it says for a given configuration, in both
 * languages, and that nothing configured can become markup.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../src/server/config.js";
import { contactHtml, escapeHtml, renderPrivacyPage, type PageLanguage } from "../../src/server/privacy-page.js";

const LANGUAGES: PageLanguage[] = ["en", "de"];

/** The only elements the page is made of: anything else came from a configured value. */
const ALLOWED_TAGS = new Set(["html", "head", "meta", "title", "link", "body", "main", "nav", "h1", "h2", "p", "ul", "li", "a", "strong", "br"]);

function tags(html: string): string[] {
  return [...html.matchAll(/<\/?([a-zA-Z][a-zA-Z0-9-]*)/g)].map((m) => m[1]!.toLowerCase());
}

/** The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, " ");
}

const hostile = "<script>alert(1)</script> \"quoted\" 'single' & <img src=x onerror=alert(2)>";

describe("escapeHtml", () => {
  test("replaces the five characters that matter in text and quoted attributes", () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), "&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;");
  });

  test("leaves everything else alone, umlauts included", () => {
    assert.equal(escapeHtml("Praxis Dr. Ärztin, Müllerstraße 5 – 10115 Berlin"), "Praxis Dr. Ärztin, Müllerstraße 5 – 10115 Berlin");
    assert.equal(escapeHtml(""), "");
  });

  test("an escaped string contains none of < > \" ' and no raw &", () => {
    const out = escapeHtml(hostile);
    assert.doesNotMatch(out, /[<>"']/);
    assert.doesNotMatch(out, /&(?!#\d+;)/);
  });
});

describe("contactHtml", () => {
  test("e-mail addresses and web addresses become links, the rest stays text", () => {
    assert.equal(contactHtml("datenschutz@praxis.example"), '<a href="mailto:datenschutz@praxis.example">datenschutz@praxis.example</a>');
    assert.equal(
      contactHtml("See https://praxis.example/kontakt."),
      'See <a href="https://praxis.example/kontakt">https://praxis.example/kontakt</a>.',
    );
    assert.equal(contactHtml("Hauptstraße 1, 10115 Berlin"), "Hauptstraße 1, 10115 Berlin");
  });

  test("line breaks are kept", () => {
    assert.equal(contactHtml("Praxis\nHauptstraße 1"), "Praxis<br>\nHauptstraße 1");
  });

  test("javascript: and data: addresses are never links", () => {
    for (const value of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "JAVASCRIPT:alert(document.cookie)"]) {
      assert.doesNotMatch(contactHtml(value), /<a /, value);
    }
  });

  test("a hostile value cannot make markup or break out of a link", () => {
    const html = contactHtml(`${hostile} https://x.example/"onmouseover="alert(3) a@b.example<script>`);
    assert.deepEqual(new Set(tags(html)), new Set(["a"]));
    assert.doesNotMatch(html, /onmouseover="/);
  });
});

describe("renderPrivacyPage", () => {
  const configuredInput = {
    operator: { name: "Praxis <Dr. Ärztin> & Co", contact: "praxis@example.org", dataProtectionOfficer: "DSB GmbH, dsb@example.org" },
  };
  const configured = parseConfig(configuredInput);
  const unconfigured = parseConfig({});

  for (const language of LANGUAGES) {
    test(`${language}: a whole static HTML document in that language, with the stylesheet and no script or inline style`, () => {
      const html = renderPrivacyPage(configured, language);
      assert.match(html, /^<!doctype html>\n<html lang="(de|en)">/);
      assert.match(html, new RegExp(`<html lang="${language}">`));
      assert.match(html, /<link rel="stylesheet" href="\/app.css">/);
      assert.match(html, /<\/html>\n$/);
      assert.doesNotMatch(html, /<script|<style|\sstyle=|\son[a-z]+=/i);
      for (const tag of tags(html)) assert.ok(ALLOWED_TAGS.has(tag), `unexpected <${tag}>`);
      assert.equal(html.match(/<h1>/g)?.length, 1);
      assert.ok((html.match(/<h2>/g)?.length ?? 0) >= 7);
    });

    test(`${language}: links to the other language`, () => {
      const other = language === "de" ? "en" : "de";
      assert.match(renderPrivacyPage(configured, language), new RegExp(`<a href="\\?lang=${other}" hreflang="${other}" lang="${other}">`));
    });

    test(`${language}: the configured operator and data protection officer appear, escaped`, () => {
      const html = renderPrivacyPage(configured, language);
      assert.ok(html.includes("Praxis &#60;Dr. Ärztin&#62; &#38; Co"));
      assert.ok(!html.includes("<Dr. Ärztin>"));
      assert.ok(html.includes('<a href="mailto:praxis@example.org">praxis@example.org</a>'));
      assert.ok(html.includes('DSB GmbH, <a href="mailto:dsb@example.org">dsb@example.org</a>'));
      assert.ok(text(html).includes("Praxis <Dr. Ärztin> & Co"), "the reader sees the name as configured");
    });

    test(`${language}: hostile values in every configured field stay text`, () => {
      const config = parseConfig({
        operator: { name: hostile, contact: hostile, dataProtectionOfficer: hostile },
        turn: { secret: "s".repeat(16), urls: [`turn:<b>evil</b>.example:3478`] },
        iceServers: [{ urls: [`stun:"><script>x</script>`] }],
      });
      const html = renderPrivacyPage(config, language);
      for (const tag of tags(html)) assert.ok(ALLOWED_TAGS.has(tag), `unexpected <${tag}>`);
      assert.doesNotMatch(html, /<script|<img/i);
      assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/i, "no event handler attribute in any tag");
    });

    test(`${language}: an operator who filled in nothing is named as such, with whom to ask`, () => {
      const html = renderPrivacyPage(unconfigured, language);
      const expected =
        language === "en"
          ? ["has not filled in who runs it", "Ask whoever sent you the link to this meeting"]
          : ["hat nicht eingetragen, wer er ist", "Fragen Sie die Person oder Stelle, die Ihnen den Link zu dieser Besprechung geschickt hat"];
      for (const phrase of expected) assert.ok(text(html).includes(phrase), phrase);
      assert.doesNotMatch(html, /Contact:|Kontakt:/);
    });

    test(`${language}: a name without contact says the contact is missing`, () => {
      const html = text(renderPrivacyPage(parseConfig({ operator: { name: "Stadt Beispielhausen" } }), language));
      assert.ok(html.includes("Stadt Beispielhausen"));
      assert.ok(html.includes(language === "en" ? "has not filled in how to reach them" : "hat nicht eingetragen, wie man ihn erreicht"));
    });

    test(`${language}: says end-to-end encryption is on by default, and honestly that it is not active when the operator switched it off`, () => {
      const off = text(renderPrivacyPage(parseConfig({ ...configuredInput, meetings: { e2ee: false } }), language));
      const on = text(renderPrivacyPage(configured, language));
      const notActive = language === "en" ? "End-to-end encryption is not active." : "Eine Ende-zu-Ende-Verschlüsselung ist nicht aktiv.";
      const couldSee = language === "en" ? "could technically see and hear them" : "könnte sie also technisch sehen und hören";
      assert.ok(off.includes(notActive));
      assert.ok(off.includes(couldSee));
      assert.ok(!on.includes(notActive));
      assert.ok(!on.includes(couldSee));
      assert.ok(on.includes(language === "en" ? "end-to-end encrypted" : "Ende-zu-Ende-verschlüsselt"));
    });

    test(`${language}: with end-to-end encryption required, says that a browser that cannot encrypt cannot join`, () => {
      const required = text(renderPrivacyPage(parseConfig({ meetings: { e2ee: "required" } }), language));
      const optional = text(renderPrivacyPage(configured, language));
      const cannotJoin = language === "en" ? "cannot join any meeting on this server" : "kann an keiner Besprechung auf diesem Server teilnehmen";
      const keepOut = language === "en" ? "moderators can keep such browsers out" : "Moderierende können solche Browser ausschließen";
      assert.ok(required.includes(cannotJoin) && !required.includes(keepOut));
      assert.ok(optional.includes(keepOut) && !optional.includes(cannotJoin));
    });

    test(`${language}: names every right and the supervisory authority`, () => {
      const html = text(renderPrivacyPage(configured, language));
      for (const article of ["Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 77"]) assert.ok(html.includes(article), article);
      const words =
        language === "en"
          ? ["access", "corrected", "erased", "restricted", "object", "supervisory authority"]
          : ["Auskunft", "Berichtigung", "Löschung", "Einschränkung", "Widerspruch", "Aufsichtsbehörde"];
      for (const word of words) assert.ok(html.includes(word), word);
    });

    test(`${language}: what is processed, for how long, and that nothing goes to third parties`, () => {
      const html = text(renderPrivacyPage(configured, language));
      const phrases =
        language === "en"
          ? [
              "Treff uses it for the network connection only and writes it to no log.",
              "The name you enter.",
              "pass through the media server on this server",
              "does not store them",
              "no cookies, no tracking",
              "For the meeting only.",
              "the server cannot record meetings",
              "A moderator can record a meeting in their own browser, never on the server: everyone is asked first",
              "passes nothing to third parties",
              "no outside STUN or relay servers",
              "the key of the meeting’s moderator link",
            ]
          : [
              "Treff nutzt sie nur für die Netzwerkverbindung und protokolliert sie nicht.",
              "Der Name, den Sie eingeben.",
              "laufen über den Medienserver auf diesem Server",
              "speichert sie nicht",
              "keine Cookies, kein Tracking",
              "Nur für die Dauer der Besprechung.",
              "Der Server kann Besprechungen nicht aufzeichnen",
              "im eigenen Browser aufzeichnen, nie auf dem Server: Vorher werden alle gefragt",
              "gibt nichts an Dritte weiter",
              "auch keine fremden STUN- oder Relay-Server",
              "den Schlüssel des Moderationslinks",
            ];
      for (const phrase of phrases) assert.ok(html.includes(phrase), phrase);
    });

    test(`${language}: the waiting-room sentence follows the lobby setting`, () => {
      const phrase = language === "en" ? "waiting room, its moderators see it" : "im Warteraum warten, sehen ihn dort die Moderierenden";
      assert.ok(text(renderPrivacyPage(parseConfig({}), language)).includes(phrase));
      assert.ok(!text(renderPrivacyPage(parseConfig({ meetings: { lobby: false } }), language)).includes(phrase));
    });

    test(`${language}: without TURN no relay is mentioned; with TURN the operator's relays are named`, () => {
      assert.doesNotMatch(text(renderPrivacyPage(configured, language)), /\(TURN\)/);
      const withTurn = parseConfig({
        turn: { secret: "s".repeat(16), urls: ["turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:443?transport=tcp", "turn:[2001:db8::1]:3478"] },
      });
      const html = text(renderPrivacyPage(withTurn, language));
      assert.ok(html.includes(language === "en" ? "relay server (TURN) that the operator runs" : "Relay-Server (TURN) laufen, den der Betreiber dafür bereitstellt"));
      assert.ok(html.includes(`turn.example.org ${language === "en" ? "and" : "und"} [2001:db8::1]`), "each host once");
      assert.ok(!html.includes(language === "en" ? "no outside STUN or relay servers" : "auch keine fremden STUN- oder Relay-Server"));
    });

    test(`${language}: other configured STUN/TURN servers are named as services that learn the address`, () => {
      const html = text(renderPrivacyPage(parseConfig({ iceServers: [{ urls: ["stun:stun.example.net:3478"] }] }), language));
      assert.ok(html.includes("stun.example.net"));
      assert.ok(html.includes(language === "en" ? "apart from the connection servers named below" : "abgesehen von den unten genannten Verbindungsservern"));
    });
  }
});
