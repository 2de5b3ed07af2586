/**
 * The privacy page for four kinds of deployment, in both languages: each item
 * Art. 13 GDPR asks for is there and follows what the operator declared, and
 * where the operator declared nothing the page says so instead of guessing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseConfig } from "../../src/server/config.js";
import { renderPrivacyPage, type PageLanguage } from "../../src/server/privacy-page.js";

/** The page's text as a reader sees it: tags dropped, entities decoded, spaces collapsed. */
function text(html: string): string {
  return html
    .replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/\s+/g, " ");
}

const TURN = { secret: "turn-secret-for-tests", urls: ["turns:turn.example.org:443?transport=tcp"] };

/** A club on a rented server: processors, two legal bases, proxy logs with addresses for a week, a TURN relay that logs nothing. */
const rented = parseConfig({
  operator: { name: "Sportverein Beispiel e.V.", contact: "vorstand@verein.example", dataProtectionOfficer: "dsb@verein.example" },
  privacy: {
    legalBasis: ["contract", "legitimate-interests"],
    legitimateInterests: { de: "Vereinssitzungen online abhalten", en: "holding club meetings online" },
    hostingProvider: "Hoster <GmbH>, Nürnberg",
    processors: [{ name: "IT-Service Müller KG", purpose: { de: "Wartung des Servers", en: "server maintenance" }, country: "Deutschland" }],
    thirdCountries: "none",
    proxyLogs: "addresses",
    proxyLogDays: 7,
    turnLogs: "none",
    notes: { de: "Fragen an den Vorstand.\n\nSiehe https://verein.example/datenschutz", en: "Questions to the board.\n\nSee https://verein.example/privacy" },
  },
  turn: TURN,
});

/** A public body on its own equipment: public task, no processor, a proxy that logs nothing, no TURN. */
const onPremises = parseConfig({
  operator: { name: "Stadt Beispielhausen", contact: "Rathausplatz 1, 12345 Beispielhausen" },
  privacy: { legalBasis: ["public-task"], hosting: "own", thirdCountries: "none", proxyLogs: "none" },
});

/** A medical practice: contract and health data, a rented server, a transfer abroad, a proxy logging errors only, TURN logging addresses. */
const practice = parseConfig({
  operator: { name: "Praxis Dr. Ärztin", contact: "praxis@example.org" },
  privacy: {
    legalBasis: ["contract"],
    healthData: true,
    hostingProvider: "Rechenzentrum AG",
    transfers: [{ recipient: "Support Inc.", country: "USA", safeguard: { de: "Angemessenheitsbeschluss (EU-US Data Privacy Framework)", en: "adequacy decision (EU-US Data Privacy Framework)" } }],
    proxyLogs: "errors-without-address",
    turnLogs: "addresses",
    turnLogDays: 3,
  },
  turn: TURN,
});

/** Nothing filled in at all: the quick start. */
const nothing = parseConfig({});

interface Expectation {
  present: Record<PageLanguage, string[]>;
  absent?: Record<PageLanguage, string[]>;
}

/** Phrases every page has whatever was declared: purposes, storage, rights (Art. 20 included), complaint, obligation, no profiling. */
const ALWAYS: Record<PageLanguage, string[]> = {
  en: [
    "The only purpose is to hold the meeting you take part in.",
    "For the meeting only.",
    "The other participants of your meeting see and hear what you share there",
    "Treff itself sends your data nowhere but to the participants of your meeting",
    "(Art. 15)", "(Art. 16)", "(Art. 17)", "(Art. 18)",
    "machine-readable format", "(data portability, Art. 20)",
    "(Art. 21)", "supervisory authority (Art. 77 GDPR)",
    "You are not obliged to give any data",
    "There is no automated decision-making and no profiling.",
  ],
  de: [
    "Der einzige Zweck ist, die Besprechung durchzuführen, an der Sie teilnehmen.",
    "Nur für die Dauer der Besprechung.",
    "Die anderen Teilnehmenden Ihrer Besprechung sehen und hören, was Sie dort teilen",
    "Treff selbst sendet Ihre Daten nirgendwohin außer an die Teilnehmenden Ihrer Besprechung",
    "(Art. 15)", "(Art. 16)", "(Art. 17)", "(Art. 18)",
    "maschinenlesbaren Format", "Datenübertragbarkeit", "(Art. 20)",
    "(Art. 21)", "Aufsichtsbehörde zu beschweren (Art. 77 DSGVO)",
    "Sie sind nicht verpflichtet, Daten anzugeben",
    "Es gibt keine automatisierte Entscheidungsfindung und kein Profiling.",
  ],
};

const DEPLOYMENTS: [string, ReturnType<typeof parseConfig>, Expectation][] = [
  [
    "a rented server with processors",
    rented,
    {
      present: {
        en: [
          "(the controller under the GDPR) is Sportverein Beispiel e.V.",
          "Data protection officer: dsb@verein.example",
          "Art. 6(1)(b) GDPR",
          "Art. 6(1)(f) GDPR: the operator’s legitimate interests, namely: holding club meetings online",
          "runs at the hosting provider Hoster <GmbH>, Nürnberg",
          "which processes data only on the operator’s behalf and instructions (a processor, Art. 28 GDPR)",
          "IT-Service Müller KG (Deutschland): server maintenance",
          "logs each request with your connection address, the time and the address of the page",
          "The reverse proxy’s logs with connection addresses are deleted after 7 days.",
          "relay server (TURN) that the operator runs for this purpose: turn.example.org",
          "The relay server keeps no log of connections.",
          "is not transferred to countries outside the European Union and the European Economic Area: this server, the relay server and the processors named above",
          "More from the operator", "Questions to the board.", "See https://verein.example/privacy",
        ],
        de: [
          "(Verantwortlicher im Sinne der DSGVO) ist Sportverein Beispiel e.V.",
          "Datenschutzbeauftragten: dsb@verein.example",
          "Art. 6 Abs. 1 lit. b DSGVO",
          "Art. 6 Abs. 1 lit. f DSGVO: die berechtigten Interessen des Betreibers, nämlich: Vereinssitzungen online abhalten",
          "läuft beim Hosting-Anbieter Hoster <GmbH>, Nürnberg",
          "der Daten nur im Auftrag und nach Weisung des Betreibers verarbeitet (Auftragsverarbeiter, Art. 28 DSGVO)",
          "IT-Service Müller KG (Deutschland): Wartung des Servers",
          "protokolliert jede Anfrage mit Ihrer Verbindungsadresse, der Uhrzeit und der Adresse der Seite",
          "Die Protokolle des Reverse Proxys mit Verbindungsadressen werden nach 7 Tagen gelöscht.",
          "Relay-Server (TURN) laufen, den der Betreiber dafür bereitstellt: turn.example.org",
          "Der Relay-Server protokolliert keine Verbindungen.",
          "nicht in Länder außerhalb der Europäischen Union und des Europäischen Wirtschaftsraums übermittelt: Dieser Server, der Relay-Server und die oben genannten Auftragsverarbeiter",
          "Weitere Hinweise des Betreibers", "Fragen an den Vorstand.", "Siehe https://verein.example/datenschutz",
        ],
      },
      absent: {
        en: ["has not stated", "Art. 9(2)(h)", "Art. 6(1)(e)"],
        de: ["hat nicht angegeben", "Art. 9 Abs. 2 lit. h", "Art. 6 Abs. 1 lit. e"],
      },
    },
  ],
  [
    "on the operator's own premises",
    onPremises,
    {
      present: {
        en: [
          "is Stadt Beispielhausen",
          "Contact: Rathausplatz 1, 12345 Beispielhausen",
          "Art. 6(1)(e) GDPR: the meeting is part of a task the operator carries out in the public interest",
          "This server runs on the operator’s own equipment; no hosting provider processes your data.",
          "keeps no log of requests either",
          "is not transferred to countries outside the European Union and the European Economic Area: this server process it within the EU/EEA.",
          "no outside STUN or relay servers",
        ],
        de: [
          "ist Stadt Beispielhausen",
          "Kontakt: Rathausplatz 1, 12345 Beispielhausen",
          "Art. 6 Abs. 1 lit. e DSGVO: Die Besprechung gehört zu einer Aufgabe, die der Betreiber im öffentlichen Interesse",
          "Dieser Server läuft auf eigener Technik des Betreibers; kein Hosting-Anbieter verarbeitet Ihre Daten.",
          "protokolliert keine Anfragen",
          "nicht in Länder außerhalb der Europäischen Union und des Europäischen Wirtschaftsraums übermittelt: Dieser Server verarbeiten sie",
          "auch keine fremden STUN- oder Relay-Server",
        ],
      },
      absent: {
        en: ["has not stated", "Data protection officer", "(TURN)", "processors also work", "More from the operator"],
        de: ["hat nicht angegeben", "Datenschutzbeauftragten", "(TURN)", "Auftragsverarbeiter nach Weisung", "Weitere Hinweise des Betreibers"],
      },
    },
  ],
  [
    "a medical practice",
    practice,
    {
      present: {
        en: [
          "Art. 6(1)(b) GDPR",
          "Art. 9(2)(h) GDPR, health care by professionals bound by professional secrecy",
          "at the hosting provider Rechenzentrum AG",
          "records only errors, without your address and without the address of the page you opened",
          "The relay server logs each connection with your connection address; these logs are deleted after 3 days.",
          "The relay server’s logs with connection addresses are deleted after 3 days.",
          "Data is transferred to these recipients outside the European Union and the European Economic Area: Support Inc. in USA, on the basis of: adequacy decision (EU-US Data Privacy Framework)",
          "are end-to-end encrypted",
        ],
        de: [
          "Art. 6 Abs. 1 lit. b DSGVO",
          "Art. 9 Abs. 2 lit. h DSGVO, Gesundheitsversorgung durch Fachpersonal",
          "beim Hosting-Anbieter Rechenzentrum AG",
          "protokolliert nur Fehler, ohne Ihre Adresse und ohne die Adresse der aufgerufenen Seite",
          "Der Relay-Server protokolliert jede Verbindung mit Ihrer Verbindungsadresse; diese Protokolle werden nach 3 Tagen gelöscht.",
          "Die Protokolle des Relay-Servers mit Verbindungsadressen werden nach 3 Tagen gelöscht.",
          "Daten werden an diese Empfänger außerhalb der Europäischen Union und des Europäischen Wirtschaftsraums übermittelt: Support Inc. in USA, auf der Grundlage von: Angemessenheitsbeschluss (EU-US Data Privacy Framework)",
          "sind Ende-zu-Ende-verschlüsselt",
        ],
      },
      absent: {
        en: ["has not stated", "Art. 6(1)(f)"],
        de: ["hat nicht angegeben", "Art. 6 Abs. 1 lit. f"],
      },
    },
  ],
  [
    "nothing declared",
    nothing,
    {
      present: {
        en: [
          "has not filled in who runs it or how to reach them",
          "The operator has not stated the legal basis (Art. 6 GDPR)",
          "The operator has not stated whether this server runs on their own equipment or at a hosting provider.",
          "The operator has not stated what the web server in front of Treff that encrypts the connection (a reverse proxy) records.",
          "By default such servers log each request with the connection address, the time and the address of the page, which contains the meeting’s name.",
          "The operator has not stated whether this server run within the European Union or the European Economic Area.",
        ],
        de: [
          "hat nicht eingetragen, wer er ist und wie man ihn erreicht",
          "Der Betreiber hat die Rechtsgrundlage (Art. 6 DSGVO) nicht angegeben",
          "Der Betreiber hat nicht angegeben, ob dieser Server auf eigener Technik oder bei einem Hosting-Anbieter läuft.",
          "Der Betreiber hat nicht angegeben, was der Webserver vor Treff, der die Verbindung verschlüsselt (ein Reverse Proxy), protokolliert.",
          "Solche Server protokollieren in der Grundeinstellung jede Anfrage mit der Verbindungsadresse, der Uhrzeit und der Adresse der Seite",
          "Der Betreiber hat nicht angegeben, ob dieser Server in der Europäischen Union oder im Europäischen Wirtschaftsraum betrieben werden.",
        ],
      },
      absent: {
        en: ["Art. 6(1)(b)", "Art. 6(1)(e)", "Art. 6(1)(f)", "Art. 9(2)(h)", "keeps no log", "are deleted after", "(TURN)"],
        de: ["Art. 6 Abs. 1 lit. b", "Art. 6 Abs. 1 lit. e", "Art. 6 Abs. 1 lit. f", "Art. 9 Abs. 2 lit. h", "protokolliert keine", "Tagen gelöscht", "(TURN)"],
      },
    },
  ],
];

describe("the privacy page for each kind of deployment", () => {
  for (const [deployment, config, expected] of DEPLOYMENTS) {
    for (const language of ["en", "de"] as const) {
      test(`${deployment}, ${language}: every Art. 13 item, as declared`, () => {
        const page = text(renderPrivacyPage(config, language));
        const missing = [...ALWAYS[language], ...expected.present[language]].filter((phrase) => !page.includes(phrase));
        assert.deepEqual(missing, [], "phrases the page should have");
        const wrong = (expected.absent?.[language] ?? []).filter((phrase) => page.includes(phrase));
        assert.deepEqual(wrong, [], "phrases the page should not have");
      });
    }
  }

  test("the operator's free text and every declared name are escaped, and the text's links are only web and e-mail addresses", () => {
    const hostile = '<script>alert(1)</script><img src=x onerror="alert(2)">';
    const config = parseConfig({
      privacy: {
        legalBasis: ["legitimate-interests"],
        legitimateInterests: hostile,
        hostingProvider: hostile,
        processors: [{ name: hostile, purpose: hostile, country: hostile }],
        transfers: [{ recipient: hostile, country: hostile, safeguard: hostile }],
        notes: `${hostile}\n\njavascript:alert(3) https://ok.example`,
      },
    });
    for (const language of ["en", "de"] as const) {
      const html = renderPrivacyPage(config, language);
      assert.doesNotMatch(html, /<script|<img/i);
      assert.doesNotMatch(html, /<[^>]*\son[a-z]+=/i, "no event handler attribute in any tag");
      assert.ok(html.includes("&#60;script&#62;alert(1)&#60;/script&#62;"));
      assert.ok(html.includes('<a href="https://ok.example">https://ok.example</a>'));
      assert.doesNotMatch(html, /href="javascript:/i);
    }
  });
});
