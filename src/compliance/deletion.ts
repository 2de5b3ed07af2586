/**
 * The deletion concept: every piece of personal data in a Treff setup, where
 * it is, how long, and who deletes it. Treff's own rows are fixed properties
 * (tested, see chapter 2 and docs/privacy.md); the proxy and TURN rows are
 * what the operator declared, or marked as open.
 */
import type { Config } from "../server/config.js";
import type { LogDeclaration, PageLanguage, PrivacyFacts } from "../server/privacy-facts.js";
import { paragraph, pick, table, type Section } from "./document.js";

/** How long a declared log keeps addresses, in words. */
export function logRetention(log: LogDeclaration, language: PageLanguage): string {
  switch (log.policy) {
    case "none":
      return pick(language, { de: "kein Protokoll", en: "no log" });
    case "errors-without-address":
      return pick(language, { de: "nur Fehler, ohne Adresse und ohne Pfad", en: "errors only, without address or path" });
    case "addresses":
      return pick(language, { de: `Adressen, gelöscht nach ${log.days} Tagen`, en: `addresses, deleted after ${log.days} days` });
    case "unknown":
      return pick(language, { de: "[nicht angegeben]", en: "[not declared]" });
  }
}

type Row = [what: string, where: string, howLong: string, who: string];

function logRow(what: string, log: LogDeclaration, language: PageLanguage, variables: string): Row {
  const L = <T>(texts: { de: T; en: T }) => pick(language, texts);
  switch (log.policy) {
    case "none":
      return [what, L({ de: "nirgends (kein Protokoll konfiguriert)", en: "nowhere (no log configured)" }), "–", "–"];
    case "errors-without-address":
      return [what, L({ de: "Fehlerprotokoll ohne Adresse und Pfad (keine personenbezogenen Daten)", en: "error log without address and path (no personal data)" }), L({ de: "nach Festlegung des Verantwortlichen", en: "as the controller sets" }), L({ de: "Verantwortlicher (logrotate, journald)", en: "controller (logrotate, journald)" })];
    case "addresses":
      return [what, L({ de: "Protokoll mit Verbindungsadressen", en: "log with connection addresses" }), L({ de: `${log.days} Tage`, en: `${log.days} days` }), L({ de: "Verantwortlicher (logrotate, journald)", en: "controller (logrotate, journald)" })];
    case "unknown":
      return [what, L({ de: `[nicht angegeben: ${variables}]`, en: `[not declared: ${variables}]` }), L({ de: "[offen]", en: "[open]" }), L({ de: "Verantwortlicher", en: "controller" })];
  }
}

export function deletionChapter(config: Config, facts: PrivacyFacts, language: PageLanguage): Section {
  const L = <T>(texts: { de: T; en: T }) => pick(language, texts);
  const treff = "Treff";
  const memory = L({ de: "Arbeitsspeicher des Servers", en: "server memory" });
  const browser = L({ de: "die Person (Website-Daten löschen)", en: "the person (clearing the site's data)" });
  const rows: Row[] = [
    [L({ de: "Verbindungsadresse", en: "Connection address" }), memory, L({ de: "solange verbunden", en: "while connected" }), L({ de: "Treff, beim Trennen", en: "Treff, on disconnect" })],
    [L({ de: "Adresse nach falschem Besprechungspasswort", en: "Address after a wrong meeting password" }), memory, L({ de: "1 Minute nach dem letzten Fehlversuch", en: "1 minute after the last failure" }), L({ de: "Treff (Zeitgeber)", en: "Treff (timer)" })],
    [L({ de: "Anzeigename, Rolle, Zustand von Mikrofon und Kamera", en: "Display name, role, microphone and camera state" }), memory, L({ de: "bis die Person die Besprechung verlässt", en: "until the person leaves the meeting" }), L({ de: "Treff, beim Verlassen", en: "Treff, on leaving" })],
    [L({ de: "Ton, Bild, Bildschirm", en: "Audio, video, screen" }), L({ de: "nur auf der Durchreise (Medienserver, Arbeitsspeicher)", en: "in transit only (media server, memory)" }), L({ de: "nicht gespeichert", en: "not stored" }), "–"],
    [L({ de: "Chatnachrichten, Reaktionen", en: "Chat messages, reactions" }), L({ de: "nur weitergeleitet", en: "relayed only" }), L({ de: "nicht gespeichert", en: "not stored" }), "–"],
    ...(facts.endToEnd
      ? [[L({ de: "Öffentlicher E2EE-Schlüssel", en: "E2EE public key" }), memory, L({ de: "bis die Person die Besprechung verlässt", en: "until the person leaves the meeting" }), L({ de: "Treff, beim Verlassen", en: "Treff, on leaving" })] as Row]
      : []),
    [L({ de: "Rückkehr-Token (nur SHA-256)", en: "Resume token (SHA-256 only)" }), memory, L({ de: "bis die Person die Besprechung verlässt", en: "until the person leaves the meeting" }), treff],
    [L({ de: "Besprechung (Raum im Medienserver)", en: "Meeting (room in the media server)" }), memory, L({ de: "bis die letzte Person geht", en: "until the last person leaves" }), treff],
    [
      L({ de: "Protokoll von Treff (ohne Adressen, Namen, Raumnamen, Inhalte)", en: "Treff's log (without addresses, names, room names, contents)" }),
      L({ de: "Standardausgabe, z. B. systemd-Journal", en: "standard output, e.g. the systemd journal" }),
      L({ de: "nach Festlegung des Verantwortlichen", en: "as the controller sets" }),
      L({ de: "Verantwortlicher (journald MaxRetentionSec=)", en: "controller (journald MaxRetentionSec=)" }),
    ],
    logRow(L({ de: "Protokoll des Reverse Proxys", en: "Reverse proxy's log" }), facts.proxyLogs, language, "TREFF_PROXY_LOGS"),
    ...(facts.turnLogs ? [logRow(L({ de: "Protokoll des TURN-Servers", en: "TURN server's log" }), facts.turnLogs, language, "TREFF_TURN_LOGS")] : []),
    ...(facts.turnHosts.length
      ? [[L({ de: "TURN-Zugangsdaten", en: "TURN credentials" }), L({ de: "nicht gespeichert; je Verbindung erzeugt", en: "not stored; made per connection" }), L({ de: `gültig ${Math.round(config.turn.ttlSeconds / 60)} Minuten`, en: `valid for ${Math.round(config.turn.ttlSeconds / 60)} minutes` }), L({ de: "läuft ab (geprüft vom TURN-Server)", en: "expires (checked by the TURN server)" })] as Row]
      : []),
    [L({ de: "Im Browser: letzter Name, Sprache, ob Mikrofon und Kamera zuletzt an waren", en: "In the browser: last name, language, whether microphone and camera were last on" }), "localStorage", L({ de: "bis die Person sie löscht", en: "until the person deletes them" }), browser],
    [
      L({ de: "Im Browser: Moderationsschlüssel", en: "In the browser: moderator key" }),
      "localStorage",
      L({
        de: `bis er abläuft (spätestens ${facts.moderatorKeyDays} Tage nach der letzten Nutzung), die Besprechung endet oder die Rechte entzogen werden; abgelaufene beim Laden jeder Treff-Seite gelöscht`,
        en: `until it expires (at the latest ${facts.moderatorKeyDays} days after its last use), the meeting ends or the rights are taken away; expired ones deleted at every load of a Treff page`,
      }),
      L({ de: "Treff im Browser; die Person", en: "Treff in the browser; the person" }),
    ],
    [L({ de: "Im Browser: Rückkehr-Token", en: "In the browser: resume token" }), "sessionStorage", L({ de: "bis zum Verlassen oder Schließen des Tabs", en: "until leaving or closing the tab" }), L({ de: "Treff im Browser; der Browser", en: "Treff in the browser; the browser" })],
    ...(facts.endToEnd
      ? [
          [
            L({ de: "Im Browser: E2EE-Schlüsselpaar des Tabs (nicht auslesbar)", en: "In the browser: the tab's E2EE key pair (not readable)" }),
            "IndexedDB",
            L({ de: "bis zum Verlassen; sonst einen Tag nach dem letzten Öffnen des Tabs, gelöscht beim nächsten Laden einer Treff-Seite", en: "until leaving; otherwise a day after the tab was last open, deleted at the next load of a Treff page" }),
            L({ de: "Treff im Browser", en: "Treff in the browser" }),
          ] as Row,
        ]
      : []),
  ];
  return {
    title: L({ de: "3. Löschkonzept", en: "3. Deletion concept" }),
    blocks: [
      paragraph(
        L({
          de: "Was Treff verarbeitet, wo, wie lange und wer löscht. Über Besprechungen schreibt Treff nichts auf einen Datenträger; es gibt keine Datenbank. Die Zeilen zu Proxy und TURN-Server geben die Angaben des Verantwortlichen wieder.",
          en: "What Treff processes, where, for how long, and who deletes it. Treff writes nothing about meetings to disk; there is no database. The proxy and TURN rows repeat the controller's declarations.",
        }),
      ),
      table([L({ de: "Daten", en: "Data" }), L({ de: "Wo", en: "Where" }), L({ de: "Wie lange", en: "How long" }), L({ de: "Wer löscht", en: "Who deletes" })], rows),
    ],
  };
}
