/**
 * What the operator must still do themselves: the parts of compliance that
 * no software can do, and the gaps this configuration leaves, each from a
 * configuration value (so the list shrinks as the operator fills things in).
 */
import type { Config } from "../server/config.js";
import type { PageLanguage, PrivacyFacts } from "../server/privacy-facts.js";
import { list, literal, paragraph, pick, type Section } from "./document.js";

type Task = { de: string; en: string };

export function operatorTasks(config: Config, facts: PrivacyFacts): Task[] {
  const tasks: Task[] = [];
  const add = (when: boolean, task: Task) => when && tasks.push(task);

  add(facts.operatorIncomplete, {
    de: "Name und Kontakt des Verantwortlichen eintragen (`TREFF_OPERATOR_NAME`, `TREFF_OPERATOR_CONTACT`): /privacy sagt Teilnehmenden sonst, dass sie fehlen.",
    en: "Fill in the controller's name and contact (`TREFF_OPERATOR_NAME`, `TREFF_OPERATOR_CONTACT`): otherwise /privacy tells participants they are missing.",
  });
  add(!facts.operator.dataProtectionOfficer, {
    de: "Falls eine oder ein Datenschutzbeauftragter benannt ist (Art. 37 DSGVO, § 38 BDSG): den Kontakt eintragen (`TREFF_OPERATOR_DPO`).",
    en: "If a data protection officer is designated (Art. 37 GDPR): fill in their contact (`TREFF_OPERATOR_DPO`).",
  });
  add(facts.legalBasis.length === 0, {
    de: "Die Rechtsgrundlage festlegen und eintragen (`TREFF_LEGAL_BASIS`: `contract`, `public-task` oder `legitimate-interests`).",
    en: "Decide on the legal basis and declare it (`TREFF_LEGAL_BASIS`: `contract`, `public-task` or `legitimate-interests`).",
  });
  add(facts.hosting === "unknown", {
    de: "Angeben, ob der Server auf eigener Technik läuft oder gemietet ist (`TREFF_HOSTING`, `TREFF_HOSTING_PROVIDER`).",
    en: "Declare whether the server runs on your own equipment or is rented (`TREFF_HOSTING`, `TREFF_HOSTING_PROVIDER`).",
  });
  add(facts.hosting === "provider", {
    de: `Einen Vertrag zur Auftragsverarbeitung (Art. 28 DSGVO) mit dem Hosting-Anbieter ${literal(facts.hostingProvider)} schließen und ablegen.`,
    en: `Conclude and file a processing agreement (Art. 28 GDPR) with the hosting provider ${literal(facts.hostingProvider)}.`,
  });
  for (const p of facts.processors) {
    tasks.push({
      de: `Einen Vertrag zur Auftragsverarbeitung (Art. 28 DSGVO) mit ${literal(p.name)} schließen und ablegen.`,
      en: `Conclude and file a processing agreement (Art. 28 GDPR) with ${literal(p.name)}.`,
    });
  }
  add(facts.thirdCountries === "unknown", {
    de: "Angeben, ob Daten die EU/den EWR verlassen (`TREFF_THIRD_COUNTRIES=none` oder die Übermittlungen in `TREFF_TRANSFERS`).",
    en: "Declare whether data leaves the EU/EEA (`TREFF_THIRD_COUNTRIES=none`, or the transfers in `TREFF_TRANSFERS`).",
  });
  add(facts.thirdCountries === "listed", {
    de: "Für jede Übermittlung in ein Drittland die Garantien (Art. 44–49 DSGVO) dokumentieren und prüfen, solange sie besteht.",
    en: "For each transfer to a third country, document the safeguards (Art. 44–49 GDPR) and keep checking them while it lasts.",
  });
  add(facts.proxyLogs.policy === "unknown", {
    de: "Den Reverse Proxy so einrichten, dass er keine Adressen und keine Besprechungsadressen protokolliert (Konfigurationen für nginx und Caddy in docs/operations.md), und angeben, was er protokolliert (`TREFF_PROXY_LOGS`).",
    en: "Set up the reverse proxy to log no addresses and no meeting addresses (nginx and Caddy configurations in docs/operations.md), and declare what it logs (`TREFF_PROXY_LOGS`).",
  });
  add(facts.proxyLogs.policy === "addresses", {
    de: `Sicherstellen, dass die Protokolle des Reverse Proxys nach ${facts.proxyLogs.days} Tagen gelöscht werden (logrotate, journald).`,
    en: `Make sure the reverse proxy's logs are deleted after ${facts.proxyLogs.days} days (logrotate, journald).`,
  });
  add(facts.turnLogs?.policy === "unknown", {
    de: "coturn so einrichten, dass es nichts protokolliert (docs/operations.md, „coturn's log“), und angeben, was es protokolliert (`TREFF_TURN_LOGS`).",
    en: "Set up coturn to log nothing (docs/operations.md, \"coturn's log\"), and declare what it logs (`TREFF_TURN_LOGS`).",
  });
  add(facts.turnLogs?.policy === "addresses", {
    de: `Sicherstellen, dass die Protokolle des TURN-Servers nach ${facts.turnLogs?.days} Tagen gelöscht werden.`,
    en: `Make sure the TURN server's logs are deleted after ${facts.turnLogs?.days} days.`,
  });
  add(facts.iceHosts.length > 0, {
    de: `Prüfen, wer die konfigurierten STUN/TURN-Server ${facts.iceHosts.map(literal).join(", ")} betreibt: Sie erfahren die Adressen der Teilnehmenden (Auftragsverarbeitung? Drittland?).`,
    en: `Check who runs the configured STUN/TURN servers ${facts.iceHosts.map(literal).join(", ")}: they learn participants' addresses (a processor? a third country?).`,
  });
  add(!facts.endToEnd, {
    de: "Ende-zu-Ende-Verschlüsselung ist ausgeschaltet (`TREFF_E2EE=off`): Wer den Server kontrolliert, kann Besprechungen sehen und hören. Das in Maßnahmen und Folgenabschätzung begründen oder sie einschalten.",
    en: "End-to-end encryption is switched off (`TREFF_E2EE=off`): whoever controls the server can see and hear meetings. Justify this in the measures and the impact assessment, or switch it on.",
  });
  add(!config.meetings.lobby, {
    de: "Der Warteraum ist ausgeschaltet (`TREFF_LOBBY=false`): Wer den Link hat, ist sofort in der Besprechung.",
    en: "The lobby is switched off (`TREFF_LOBBY=false`): anyone with the link is in the meeting at once.",
  });
  add(config.janus.logLevel > 4, {
    de: "Die Protokollstufe von Janus über 4 (`JANUS_LOG_LEVEL`) schreibt ganze SDP-Angebote ins Protokoll; im Betrieb 4 oder weniger wählen.",
    en: "A Janus log level above 4 (`JANUS_LOG_LEVEL`) writes whole SDP offers to the log; use 4 or below in production.",
  });
  add(!config.http.trustProxy, {
    de: "Läuft Treff hinter einem TLS-Reverse-Proxy (im Betrieb nötig), `TRUST_PROXY=true` setzen: Erst dann sendet Treff HSTS und begrenzt Passwortversuche je Adresse der Teilnehmenden statt je Proxy.",
    en: "When Treff runs behind a TLS reverse proxy (needed in production), set `TRUST_PROXY=true`: only then does Treff send HSTS and limit password attempts per participant's address instead of per proxy.",
  });
  if (facts.healthData) {
    tasks.push(
      {
        de: "Für Videosprechstunden in der vertragsärztlichen Versorgung: prüfen, ob ein zertifizierter Videodienstanbieter nötig ist (Anlage 31b BMV-Ä: Nachweise zu Datenschutz und IT-Sicherheit). Treff hat keine solche Zertifizierung.",
        en: "For video consultations in German statutory health care: check whether a certified video service provider is required (Anlage 31b BMV-Ä: certificates on data protection and IT security). Treff holds no such certification.",
      },
      facts.endToEndRequired
        ? {
            de: "In Sprechstunden den Sicherheitscode mit den Patientinnen und Patienten vergleichen oder einen Link mit Passphrase verwenden (Ende-zu-Ende-Verschlüsselung ist auf diesem Server vorgeschrieben).",
            en: "In consultations, compare the safety code with the patient or use a link with a passphrase (end-to-end encryption is required on this server).",
          }
        : {
            de: "Ende-zu-Ende-Verschlüsselung vorschreiben (`TREFF_E2EE=required`) oder in Sprechstunden „Nur Browser mit Ende-zu-Ende-Verschlüsselung dürfen teilnehmen“ einschalten (Besprechungseinstellungen), und den Sicherheitscode mit den Patientinnen und Patienten vergleichen oder einen Link mit Passphrase verwenden.",
            en: "Require end-to-end encryption (`TREFF_E2EE=required`) or, in consultations, switch on \"Only browsers with end-to-end encryption may join\" (Meeting settings); and compare the safety code with the patient or use a link with a passphrase.",
          },
      {
        de: "Eine Datenschutz-Folgenabschätzung durchführen (Kapitel 4).",
        en: "Carry out a data protection impact assessment (chapter 4).",
      },
    );
  }
  tasks.push(
    {
      de: "Den Eintrag aus Kapitel 1 in das Verzeichnis von Verarbeitungstätigkeiten übernehmen und bei jeder Änderung der Konfiguration dieses Dokument neu erzeugen (`npm run compliance`).",
      en: "Copy the entry of chapter 1 into the record of processing activities, and generate this document again whenever the configuration changes (`npm run compliance`).",
    },
    {
      de: "Ein TLS-Zertifikat für den Reverse Proxy (und den TURN-Server über TLS) beschaffen und rechtzeitig erneuern.",
      en: "Obtain a TLS certificate for the reverse proxy (and for TURN over TLS) and renew it in time.",
    },
    {
      de: "Die Aufbewahrung des Protokolls von Treff festlegen (z. B. `MaxRetentionSec=` in `journald.conf`).",
      en: "Set the retention of Treff's log (e.g. `MaxRetentionSec=` in `journald.conf`).",
    },
    {
      de: "Treff, Janus, den Reverse Proxy und das Betriebssystem aktuell halten.",
      en: "Keep Treff, Janus, the reverse proxy and the operating system up to date.",
    },
    {
      de: "Teilnehmende auf /privacy hinweisen (etwa in Einladungen) und ein Verfahren für Anfragen Betroffener und für Datenpannen (Art. 33, 34 DSGVO) haben.",
      en: "Point participants to /privacy (for example in invitations), and have a procedure for data subjects' requests and for data breaches (Art. 33, 34 GDPR).",
    },
    {
      de: "Nehmen Beschäftigte teil: den Betriebs- oder Personalrat beteiligen (in Deutschland z. B. § 87 Abs. 1 Nr. 6 BetrVG) und Regeln für die Nutzung festlegen.",
      en: "If employees take part: involve the works council (in Germany e.g. § 87(1) no. 6 BetrVG) and set rules for its use.",
    },
  );
  return tasks;
}

export function tasksChapter(config: Config, facts: PrivacyFacts, language: PageLanguage): Section {
  const L = <T>(texts: { de: T; en: T }) => pick(language, texts);
  return {
    title: L({ de: "5. Was der Betreiber selbst tun muss", en: "5. What the operator must still do" }),
    blocks: [
      paragraph(
        L({
          de: "Aus dieser Konfiguration; erledigte Angaben verschwinden aus der Liste, wenn sie eingetragen sind.",
          en: "From this configuration; declarations drop off the list once they are filled in.",
        }),
      ),
      list(operatorTasks(config, facts).map((task) => L(task))),
    ],
  };
}
