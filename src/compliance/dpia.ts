/**
 * The threshold assessment for a data protection impact assessment
 * (Art. 35 GDPR), along the nine criteria of the Article 29 Working Party's
 * guidelines (WP 248 rev.01, endorsed by the EDPB): two or more met usually
 * mean a DPIA is needed. Treff answers what it can from its own tested
 * properties and the configuration, and leaves the rest to the controller.
 */
import type { Config } from "../server/config.js";
import type { PageLanguage, PrivacyFacts } from "../server/privacy-facts.js";
import { list, paragraph, pick, table, type Section } from "./document.js";

export type Answer = "yes" | "no" | "controller";

export interface Criterion {
  de: string;
  en: string;
  answer: Answer;
  reason: { de: string; en: string };
}

export function dpiaCriteria(_config: Config, facts: PrivacyFacts): Criterion[] {
  const health = facts.healthData;
  return [
    {
      de: "Bewerten oder Einstufen (Scoring, Profiling)",
      en: "Evaluation or scoring (including profiling)",
      answer: "no",
      reason: { de: "Treff wertet nichts aus: keine Statistik, keine Aufmerksamkeits- oder Sprechzeitmessung (Kapitel 2).", en: "Treff evaluates nothing: no statistics, no attention or speaking-time measurement (chapter 2)." },
    },
    {
      de: "Automatisierte Entscheidung mit Rechtswirkung",
      en: "Automated decision-making with legal or similar effect",
      answer: "no",
      reason: { de: "Über Einlass entscheiden Moderierende, nicht Treff.", en: "Moderators decide who is let in, not Treff." },
    },
    {
      de: "Systematische Überwachung",
      en: "Systematic monitoring",
      answer: "no",
      reason: { de: "Keine Aufzeichnung durch den Server, kein Protokoll über Teilnehmende (Kapitel 2 und 3); eine Aufzeichnung im Browser einer Moderatorin nur mit Einwilligung, und wer nicht einwilligt, ist darin ohne Bild und Ton.", en: "No recording by the server, no log about participants (chapters 2 and 3); a recording in a moderator's browser only with consent, and whoever does not consent is in it without picture or sound." },
    },
    {
      de: "Vertrauliche oder höchst persönliche Daten (Art. 9, 10 DSGVO)",
      en: "Sensitive or highly personal data (Art. 9, 10 GDPR)",
      answer: health ? "yes" : "controller",
      reason: health
        ? { de: "Angegeben: In Videosprechstunden werden Gesundheitsdaten verarbeitet (TREFF_HEALTH_DATA).", en: "Declared: video consultations process health data (TREFF_HEALTH_DATA)." }
        : { de: "Hängt davon ab, was in den Besprechungen besprochen wird; Treff kennt die Inhalte nicht.", en: "Depends on what is discussed in the meetings; Treff does not know the contents." },
    },
    {
      de: "Umfangreiche Verarbeitung",
      en: "Data processed on a large scale",
      answer: "controller",
      reason: { de: "Hängt von Zahl der Besprechungen und Teilnehmenden ab; Treff zählt sie nicht.", en: "Depends on the number of meetings and participants; Treff does not count them." },
    },
    {
      de: "Abgleichen oder Zusammenführen von Datensätzen",
      en: "Matching or combining datasets",
      answer: "no",
      reason: { de: "Treff führt keine Daten mit anderen zusammen und hat keine Schnittstelle dafür.", en: "Treff combines no data with other data and has no interface for it." },
    },
    {
      de: "Daten schutzbedürftiger Personen (z. B. Patientinnen und Patienten, Beschäftigte, Kinder)",
      en: "Data concerning vulnerable data subjects (e.g. patients, employees, children)",
      answer: health ? "yes" : "controller",
      reason: health
        ? { de: "Angegeben: Patientinnen und Patienten nehmen teil.", en: "Declared: patients take part." }
        : { de: "Hängt davon ab, wer teilnimmt (Beschäftigte gelten wegen des Machtgefälles als schutzbedürftig).", en: "Depends on who takes part (employees count as vulnerable because of the imbalance of power)." },
    },
    {
      de: "Innovative Nutzung neuer technologischer Lösungen",
      en: "Innovative use of new technological solutions",
      answer: "no",
      reason: { de: "Videokonferenzen mit WebRTC sind eingeführte Technik.", en: "Video meetings over WebRTC are established technology." },
    },
    {
      de: "Verarbeitung hindert Betroffene an der Ausübung eines Rechts oder der Nutzung eines Dienstes",
      en: "Processing that prevents data subjects from exercising a right or using a service",
      answer: "controller",
      reason: { de: "Treff schließt niemanden aus; ob eine Besprechung der einzige Zugang zu einer Leistung ist, weiß nur der Verantwortliche.", en: "Treff excludes no one; whether a meeting is the only way to a service only the controller knows." },
    },
  ];
}

export function dpiaChapter(config: Config, facts: PrivacyFacts, language: PageLanguage): Section {
  const L = <T>(texts: { de: T; en: T }) => pick(language, texts);
  const criteria = dpiaCriteria(config, facts);
  const met = criteria.filter((c) => c.answer === "yes").length;
  const open = criteria.filter((c) => c.answer === "controller");
  const answerText: Record<Answer, { de: string; en: string }> = {
    yes: { de: "ja", en: "yes" },
    no: { de: "nein", en: "no" },
    controller: { de: "vom Verantwortlichen zu prüfen", en: "for the controller to assess" },
  };
  const conclusion =
    met >= 2
      ? L({
          de: `${met} Kriterien sind erfüllt: Eine Datenschutz-Folgenabschätzung ist erforderlich. Kapitel 2 (Maßnahmen, mit den Tests, die sie zeigen) und docs/e2ee.md (Bedrohungsmodell und Grenzen der Ende-zu-Ende-Verschlüsselung) beschreiben das System dafür.`,
          en: `${met} criteria are met: a data protection impact assessment is required. Chapter 2 (measures, with the tests that show them) and docs/e2ee.md (threat model and limits of end-to-end encryption) describe the system for it.`,
        })
      : L({
          de: `Nach Treffs eigenen Eigenschaften und der Konfiguration ${met === 1 ? "ist ein Kriterium" : "ist kein Kriterium"} erfüllt. Ob eine Datenschutz-Folgenabschätzung nötig ist, hängt von den ${open.length} Kriterien ab, die nur der Verantwortliche beurteilen kann: Sind zusammen zwei oder mehr erfüllt, ist sie in der Regel erforderlich.`,
          en: `From Treff's own properties and the configuration, ${met === 1 ? "one criterion is" : "no criterion is"} met. Whether a data protection impact assessment is needed depends on the ${open.length} criteria only the controller can judge: if two or more are met in all, it usually is.`,
        });
  return {
    title: L({ de: "4. Schwellwertanalyse zur Datenschutz-Folgenabschätzung (Art. 35 DSGVO)", en: "4. Threshold assessment for a data protection impact assessment (Art. 35 GDPR)" }),
    blocks: [
      paragraph(
        L({
          de: "Nach den neun Kriterien der Leitlinien der Artikel-29-Datenschutzgruppe (WP 248 Rev. 01, vom EDSA bestätigt). Prüfen Sie außerdem die Liste Ihrer Aufsichtsbehörde nach Art. 35 Abs. 4 DSGVO (in Deutschland die „Muss-Liste“ der DSK und der Länder).",
          en: "Along the nine criteria of the Article 29 Working Party's guidelines (WP 248 rev.01, endorsed by the EDPB). Check your supervisory authority's list under Art. 35(4) GDPR as well (in Germany the DSK's and the states' lists).",
        }),
      ),
      table(
        [L({ de: "Kriterium", en: "Criterion" }), L({ de: "Erfüllt?", en: "Met?" }), L({ de: "Begründung", en: "Reason" })],
        criteria.map((c) => [L(c), L(answerText[c.answer]), L(c.reason)]),
      ),
      paragraph(conclusion),
      ...(open.length
        ? [list(open.map((c) => `${L({ de: "Zu prüfen", en: "To assess" })}: ${L(c)}`))]
        : []),
    ],
  };
}
