/**
 * The entry for the record of processing activities (Art. 30(1) GDPR), from
 * the configuration: what Treff processes is fixed and tested; who the
 * controller is, the legal basis, processors and transfers are what the
 * operator declared, or marked as still to be filled in.
 */
import type { Config } from "../server/config.js";
import type { PageLanguage, PrivacyFacts } from "../server/privacy-facts.js";
import { literal, paragraph, pick, table, type Section } from "./document.js";
import { logRetention } from "./deletion.js";

/** A marked gap the controller fills in. */
export function gap(language: PageLanguage, what: string): string {
  return pick(language, { de: `[vom Verantwortlichen einzutragen: ${what}]`, en: `[to be filled in by the controller: ${what}]` });
}

const LEGAL_BASIS_TEXT = {
  contract: { de: "Art. 6 Abs. 1 lit. b DSGVO (Vertrag oder vorvertragliche Maßnahmen)", en: "Art. 6(1)(b) GDPR (contract or pre-contractual steps)" },
  "public-task": { de: "Art. 6 Abs. 1 lit. e DSGVO (Aufgabe im öffentlichen Interesse oder in Ausübung öffentlicher Gewalt)", en: "Art. 6(1)(e) GDPR (task in the public interest or in the exercise of official authority)" },
  "legitimate-interests": { de: "Art. 6 Abs. 1 lit. f DSGVO (berechtigte Interessen)", en: "Art. 6(1)(f) GDPR (legitimate interests)" },
} as const;

export function legalBasisText(facts: PrivacyFacts, language: PageLanguage): string {
  const parts: string[] = facts.legalBasis.map((b) => pick(language, LEGAL_BASIS_TEXT[b]));
  if (facts.legalBasis.includes("legitimate-interests")) {
    parts.push(pick(language, { de: "berechtigte Interessen: ", en: "legitimate interests: " }) + literal(facts.legitimateInterests[language]));
  }
  if (facts.healthData) {
    parts.push(pick(language, { de: "für Gesundheitsdaten Art. 9 Abs. 2 lit. h, Abs. 3 DSGVO (in Deutschland mit § 22 Abs. 1 Nr. 1 lit. b BDSG)", en: "for health data Art. 9(2)(h) and (3) GDPR (in Germany with § 22(1) no. 1(b) BDSG)" }));
  }
  if (facts.legalBasis.length === 0) parts.unshift(gap(language, pick(language, { de: "Rechtsgrundlage (TREFF_LEGAL_BASIS)", en: "legal basis (TREFF_LEGAL_BASIS)" })));
  return parts.join("; ");
}

function controller(facts: PrivacyFacts, language: PageLanguage): string {
  const o = facts.operator;
  const name = o.name ? literal(o.name) : gap(language, pick(language, { de: "Name (TREFF_OPERATOR_NAME)", en: "name (TREFF_OPERATOR_NAME)" }));
  const contact = o.contact ? literal(o.contact).replace(/\s*\n\s*/g, ", ") : gap(language, pick(language, { de: "Kontakt (TREFF_OPERATOR_CONTACT)", en: "contact (TREFF_OPERATOR_CONTACT)" }));
  const dpo = o.dataProtectionOfficer
    ? `${pick(language, { de: "Datenschutzbeauftragte(r)", en: "Data protection officer" })}: ${literal(o.dataProtectionOfficer).replace(/\s*\n\s*/g, ", ")}`
    : pick(language, { de: "Datenschutzbeauftragte(r): nicht angegeben (TREFF_OPERATOR_DPO)", en: "Data protection officer: not given (TREFF_OPERATOR_DPO)" });
  return `${name}; ${contact}. ${dpo}.`;
}

function recipients(facts: PrivacyFacts, language: PageLanguage): string {
  const parts = [pick(language, { de: "die anderen Teilnehmenden derselben Besprechung", en: "the other participants of the same meeting" })];
  if (facts.hosting === "provider") parts.push(`${pick(language, { de: "Hosting-Anbieter (Auftragsverarbeiter)", en: "hosting provider (processor)" })}: ${literal(facts.hostingProvider)}`);
  if (facts.hosting === "unknown") parts.push(gap(language, pick(language, { de: "Hosting-Anbieter, falls der Server gemietet ist (TREFF_HOSTING, TREFF_HOSTING_PROVIDER)", en: "hosting provider, if the server is rented (TREFF_HOSTING, TREFF_HOSTING_PROVIDER)" })));
  for (const p of facts.processors) {
    parts.push(`${pick(language, { de: "Auftragsverarbeiter", en: "processor" })}: ${literal(p.name)}${p.country ? ` (${literal(p.country)})` : ""}, ${literal(p.purpose[language])}`);
  }
  if (facts.turnHosts.length) parts.push(`${pick(language, { de: "TURN-Relay-Server", en: "TURN relay servers" })}: ${facts.turnHosts.map(literal).join(", ")}`);
  if (facts.iceHosts.length) {
    parts.push(`${pick(language, { de: "weitere konfigurierte STUN/TURN-Server, die Verbindungsadressen erfahren", en: "other configured STUN/TURN servers, which learn connection addresses" })}: ${facts.iceHosts.map(literal).join(", ")}`);
  }
  return parts.join("; ");
}

function transfers(facts: PrivacyFacts, language: PageLanguage): string {
  const treff = pick(language, { de: "Durch Treff selbst keine.", en: "None through Treff itself." });
  switch (facts.thirdCountries) {
    case "none":
      return `${treff} ${pick(language, { de: "Laut Angabe des Verantwortlichen verlassen keine Daten die EU/den EWR.", en: "As declared by the controller, no data leaves the EU/EEA." })}`;
    case "listed":
      return `${treff} ${facts.transfers.map((t) => `${literal(t.recipient)} (${literal(t.country)}): ${literal(t.safeguard[language])}`).join("; ")}`;
    case "unknown":
      return `${treff} ${gap(language, pick(language, { de: "Standort von Server, Relay und Auftragsverarbeitern (TREFF_THIRD_COUNTRIES, TREFF_TRANSFERS)", en: "where the server, relay and processors are (TREFF_THIRD_COUNTRIES, TREFF_TRANSFERS)" }))}`;
  }
}

export function recordChapter(config: Config, facts: PrivacyFacts, language: PageLanguage): Section {
  const L = <T>(texts: { de: T; en: T }) => pick(language, texts);
  const data = [
    L({ de: "Verbindungsadresse (IP-Adresse)", en: "connection address (IP address)" }),
    L({ de: "Anzeigename", en: "display name" }),
    L({ de: "Ton, Bild und geteilter Bildschirm", en: "audio, video and shared screens" }),
    L({ de: "Chatnachrichten und Reaktionen", en: "chat messages and reactions" }),
    L({ de: "Zustand der Besprechung (Rollen, Mikrofon und Kamera an oder aus, Meldungen)", en: "meeting state (roles, microphone and camera on or off, raised hands)" }),
    ...(facts.endToEnd ? [L({ de: "öffentlicher Schlüssel für die Ende-zu-Ende-Verschlüsselung je Tab", en: "the public key for end-to-end encryption of each tab" })] : []),
    ...(facts.healthData ? [L({ de: "im Inhalt von Sprechstunden: Gesundheitsdaten (Art. 9 DSGVO)", en: "in the content of consultations: health data (Art. 9 GDPR)" })] : []),
  ];
  const rows: [string, string][] = [
    [L({ de: "Verantwortlicher (lit. a)", en: "Controller (a)" }), controller(facts, language)],
    [L({ de: "Bezeichnung der Verarbeitung", en: "Name of the processing" }), L({ de: "Videokonferenzen mit Treff", en: "Video meetings with Treff" })],
    [
      L({ de: "Zwecke (lit. b)", en: "Purposes (b)" }),
      L({ de: "Durchführung von Besprechungen mit Ton, Bild, Bildschirmfreigabe und Chat zwischen den Teilnehmenden der jeweiligen Besprechung", en: "holding meetings with audio, video, screen sharing and chat between the participants of each meeting" }) +
        (facts.healthData ? L({ de: ", auch Videosprechstunden", en: ", including video consultations" }) : "") +
        L({ de: ". Keine Auswertung, keine Aufzeichnung.", en: ". No evaluation, no recording." }),
    ],
    [L({ de: "Rechtsgrundlage", en: "Legal basis" }), legalBasisText(facts, language)],
    [
      L({ de: "Kategorien betroffener Personen (lit. c)", en: "Categories of data subjects (c)" }),
      L({ de: "Teilnehmende und Moderierende von Besprechungen", en: "participants and moderators of meetings" }) + (facts.healthData ? L({ de: ", darunter Patientinnen und Patienten", en: ", among them patients" }) : ""),
    ],
    [L({ de: "Kategorien personenbezogener Daten (lit. c)", en: "Categories of personal data (c)" }), data.join("; ")],
    [L({ de: "Empfänger (lit. d)", en: "Recipients (d)" }), recipients(facts, language)],
    [L({ de: "Übermittlungen in Drittländer (lit. e)", en: "Transfers to third countries (e)" }), transfers(facts, language)],
    [
      L({ de: "Löschfristen (lit. f)", en: "Time limits for erasure (f)" }),
      L({ de: "für die Dauer der Besprechung; danach bleibt bei Treff nichts (Kapitel 3). ", en: "for the duration of the meeting; afterwards Treff keeps nothing (chapter 3). " }) +
        `${L({ de: "Reverse Proxy", en: "Reverse proxy" })}: ${logRetention(facts.proxyLogs, language)}` +
        (facts.turnLogs ? `; ${L({ de: "TURN-Server", en: "TURN server" })}: ${logRetention(facts.turnLogs, language)}` : "") +
        `; ${L({ de: "Protokoll von Treff: ohne personenbezogene Daten der Teilnehmenden, Aufbewahrung nach Einstellung des Verantwortlichen", en: "Treff's log: no personal data of participants, kept as long as the controller sets" })}`,
    ],
    [L({ de: "Technische und organisatorische Maßnahmen (lit. g)", en: "Technical and organisational measures (g)" }), L({ de: "siehe Kapitel 2", en: "see chapter 2" })],
  ];
  return {
    title: L({ de: "1. Eintrag im Verzeichnis von Verarbeitungstätigkeiten (Art. 30 Abs. 1 DSGVO)", en: "1. Entry in the record of processing activities (Art. 30(1) GDPR)" }),
    blocks: [
      paragraph(
        L({
          de: `Aus der Konfiguration dieses Servers (Treff ${facts.endToEnd ? "mit" : "ohne"} Ende-zu-Ende-Verschlüsselung). Eckige Klammern markieren, was der Verantwortliche noch eintragen muss.`,
          en: `From this server's configuration (Treff ${facts.endToEnd ? "with" : "without"} end-to-end encryption). Square brackets mark what the controller still has to fill in.`,
        }),
      ),
      table([L({ de: "Angabe", en: "Item" }), L({ de: "Eintrag", en: "Entry" })], rows),
    ],
  };
}
