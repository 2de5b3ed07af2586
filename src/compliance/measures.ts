/**
 * The technical and organisational measures (Art. 32 GDPR) Treff itself
 * provides, each with the tests that show it. A measure that depends on the
 * configuration is listed only when the configuration has it on; the kit
 * says so for those that are off (tasks.ts). test/unit/compliance.test.ts
 * fails when a cited test no longer exists under the name given here.
 */
import type { Config } from "../server/config.js";
import type { PrivacyFacts } from "../server/privacy-facts.js";

export interface Citation {
  file: string;
  name: string;
}

export type MeasureArea = "confidentiality" | "integrity" | "availability" | "minimisation" | "transparency";

export interface Measure {
  area: MeasureArea;
  de: string;
  en: string;
  tests: Citation[];
  /** Listed only where this holds for the running configuration. */
  when?: (config: Config, facts: PrivacyFacts) => boolean;
}

export const AREA_TITLES: Record<MeasureArea, { de: string; en: string }> = {
  confidentiality: { de: "Vertraulichkeit (Zutritts-, Zugangs-, Zugriffs- und Weitergabekontrolle)", en: "Confidentiality (access control, transfer control)" },
  integrity: { de: "Integrität", en: "Integrity" },
  availability: { de: "Verfügbarkeit und Belastbarkeit", en: "Availability and resilience" },
  minimisation: { de: "Datenminimierung und datenschutzfreundliche Voreinstellungen (Art. 25 DSGVO)", en: "Data minimisation and data protection by default (Art. 25 GDPR)" },
  transparency: { de: "Transparenz", en: "Transparency" },
};

const t = (file: string, ...names: string[]): Citation[] => names.map((name) => ({ file: `test/${file}.test.ts`, name }));

export const MEASURES: Measure[] = [
  {
    area: "confidentiality",
    de: "Audio und Video sind auf dem Weg zwischen Browser und Medienserver immer mit DTLS-SRTP verschlüsselt; WebRTC kennt keinen unverschlüsselten Modus.",
    en: "Audio and video are always encrypted with DTLS-SRTP between browser and media server; WebRTC has no unencrypted mode.",
    tests: t("e2e/meeting", "two participants see and hear each other"),
  },
  {
    area: "confidentiality",
    de: "Ende-zu-Ende-Verschlüsselung von Audio, Video, Bildschirm und Chat in jedem Browser, der sie beherrscht: Der Server leitet nur Chiffretext weiter; veränderte Daten werden verworfen.",
    en: "End-to-end encryption of audio, video, screen and chat in every browser that supports it: the server relays ciphertext only; altered data is rejected.",
    tests: [
      ...t("e2e/e2ee", "three browsers see each other's video and hear each other through encrypted frames, and say so; the re-keying on arrival freezes nobody", "chat is sealed: everyone reads it, the server's frames never carry its text", "no signaling frame of any page ever carried a media key"),
      ...t("unit/e2ee", "changing any single byte (clear header, ciphertext, tag, counter or key id) makes decryption fail"),
    ],
    when: (_c, f) => f.endToEnd,
  },
  {
    area: "confidentiality",
    de: "Sicherheitscodes zum Vergleichen und optionale Passphrase im Link erkennen einen Server, der Schlüssel austauscht; Moderierende können nur Browser mit Ende-zu-Ende-Verschlüsselung zulassen.",
    en: "Safety codes to compare and an optional passphrase in the link detect a server that swaps keys; moderators can admit only browsers that encrypt end to end.",
    tests: [
      ...t("e2e/e2ee", "a public key swapped in transit shows: different safety codes, and the swapped keys do not open; forged chat is marked, repeated chat shown once", "a meeting created with a passphrase link: those with the whole link see each other encrypted, a link without it cannot"),
      ...t("integration/e2ee", "only moderators may require E2EE; then a browser without it is turned away at the door, one with it may knock"),
    ],
    when: (_c, f) => f.endToEnd,
  },
  {
    area: "confidentiality",
    de: "Ende-zu-Ende-Verschlüsselung ist für den ganzen Server vorgeschrieben (TREFF_E2EE=required): Jede Besprechung lässt nur Browser zu, die Ende-zu-Ende verschlüsseln, und niemand kann das abschalten.",
    en: "End-to-end encryption is required server-wide (TREFF_E2EE=required): every meeting admits only browsers that encrypt end to end, and nobody can switch that off.",
    tests: [
      ...t("unit/config", "TREFF_E2EE=required: encryption on and required in every meeting; anything else unknown is an error"),
      ...t("integration/e2ee", "only moderators may require E2EE; then a browser without it is turned away at the door, one with it may knock"),
    ],
    when: (_c, f) => f.endToEndRequired,
  },
  {
    area: "confidentiality",
    de: "Nicht erratbare Besprechungsadressen (128 Bit Zufall).",
    en: "Meeting addresses that cannot be guessed (128 random bits).",
    tests: [...t("integration/http", "POST /api/meetings returns a fresh 22-character base64url room name each time"), ...t("e2e/meeting", "the home page creates an unguessable meeting and opens its pre-join screen")],
  },
  {
    area: "confidentiality",
    de: "Warteraum: Gäste warten, ohne jemanden zu sehen oder zu hören, bis eine moderierende Person sie einlässt.",
    en: "Lobby: guests wait, seeing and hearing no one, until a moderator lets them in.",
    tests: [
      ...t("e2e/lobby", "a guest waits in the lobby, seeing nobody, until the moderator lets them in"),
      ...t("integration/moderation", "a guest waits in the lobby: told only whether a host is present, shown no one, no chat, no news"),
    ],
    when: (c) => c.meetings.lobby,
  },
  {
    area: "confidentiality",
    de: "Besprechungspasswort (scrypt-Hash mit Salz) mit Begrenzung auf fünf Fehlversuche je Adresse und Minute; Sperren der Besprechung; Entfernen von Teilnehmenden.",
    en: "Meeting password (salted scrypt hash) limited to five wrong tries per address and minute; locking the meeting; removing participants.",
    tests: [
      ...t("unit/password", "the hash does not contain the password"),
      ...t("integration/moderation", "the sixth wrong password from one address within a minute is refused even when it is right", "remove: farewell removed and 4003; the others see them leave; their resume token leads to the lobby"),
      ...t("e2e/lobby", "a locked meeting takes no new knocks"),
    ],
  },
  {
    area: "confidentiality",
    de: "Rollentrennung: Nur Moderierende lassen ein, schalten stumm, entfernen, sperren, setzen Passwörter und beenden; alle anderen erhalten „forbidden“, und nichts ändert sich. Moderationsschlüssel sind vom Server signiert, gelten für einen Raum und laufen ab; der Server speichert keine.",
    en: "Role separation: only moderators admit, mute, remove, lock, set passwords and end; anyone else gets 'forbidden' and nothing changes. Moderator keys are signed by the server, valid for one room and expire; the server stores none.",
    tests: [
      ...t("integration/moderation", "every moderator message from a non-moderator is forbidden and changes nothing"),
      ...t("unit/moderator-keys", "a key is worth nothing for another room, after its expiry, or under another secret", "forged, altered, truncated and malformed keys are refused without throwing"),
    ],
  },
  {
    area: "confidentiality",
    de: "Besprechungen anlegen nur mit signiertem Token (HS256-JWT) aus dem Portal des Betreibers.",
    en: "Meetings can only be created with a signed token (HS256 JWT) from the operator's portal.",
    tests: t("unit/meetings", "a valid HS256 token creates a meeting", "a token signed with another secret: 401", "a token with alg none: 401"),
    when: (c) => c.meetings.creation === "token",
  },
  {
    area: "confidentiality",
    de: "Sicherheits-Header auf jeder Antwort: Content-Security-Policy nur für den eigenen Ursprung ohne unsafe-inline, kein Einbetten in fremde Seiten, Referrer-Policy no-referrer, Kamera und Mikrofon nur für den eigenen Ursprung; WebSocket-Verbindungen von fremden Ursprüngen werden abgewiesen.",
    en: "Security headers on every response: a Content-Security-Policy for the own origin only without unsafe-inline, no embedding in other sites, Referrer-Policy no-referrer, camera and microphone for the own origin only; WebSocket connections from other origins are refused.",
    tests: [
      ...t("integration/privacy-http", "every response carries the security headers: own origin only, not embeddable"),
      ...t("unit/security-headers", "the CSP has no unsafe-inline, unsafe-eval or wildcard"),
      ...t("integration/origin", "an upgrade from another origin is refused"),
    ],
  },
  {
    area: "confidentiality",
    de: "HSTS hinter einem TLS-Reverse-Proxy (mit TRUST_PROXY), nie auf Grund eines ungeprüften X-Forwarded-Proto.",
    en: "HSTS behind a TLS reverse proxy (with TRUST_PROXY), never on an unchecked X-Forwarded-Proto.",
    tests: t("integration/privacy-http", "HSTS is sent when the proxy says the request came over HTTPS, and only then", "no HSTS over plain HTTP, and a forged X-Forwarded-Proto is not believed without trustProxy"),
  },
  {
    area: "confidentiality",
    de: "Der Medienserver Janus läuft mit minimaler, von Treff erzeugter Konfiguration: nur das VideoRoom-Plugin, API nur über einen privaten Unix-Socket mit zufälligem Geheimnis, kein TCP-Port, keine Admin-API.",
    en: "The media server Janus runs with a minimal configuration Treff generates: only the VideoRoom plugin, its API only on a private Unix socket with a random secret, no TCP port, no admin API.",
    tests: [
      ...t("integration/janus-supervision", "the generated Janus configuration folder is private and minimal", "Janus demands the API secret and listens on no TCP port"),
      ...t("unit/janus-config", "has no TCP port and no admin API"),
    ],
  },
  {
    area: "integrity",
    de: "Jede Nachricht an den Server wird gegen ein Schema geprüft; fehlerhafte Eingaben erhalten einen benannten Fehler und ändern nichts; Namen mit HTML bleiben Text.",
    en: "Every message to the server is checked against a schema; bad input gets a named error and changes nothing; names containing HTML stay text.",
    tests: [
      ...t("integration/bad-input", "join with invalid fields -> bad-message in reply to join", "messages before join -> not-joined, and nothing happens"),
      ...t("e2e/inert-names", "no payload ran: window.__xss is unset and no dialog opened"),
    ],
  },
  {
    area: "availability",
    de: "Treff überwacht den Medienserver und startet ihn nach einem Absturz neu; die Browser verbinden sich selbst wieder. Nachrichtenfluten werden begrenzt und die Verbindung getrennt, ohne andere zu stören.",
    en: "Treff supervises the media server and restarts it after a crash; browsers reconnect on their own. Message floods are limited and the connection closed without disturbing others.",
    tests: [
      ...t("integration/janus-supervision", "when Janus dies, participants are told to reconnect (1012), Janus restarts, and meetings work again"),
      ...t("integration/bad-input", "a flood of 2,000 messages is rate-limited, then the connection is closed (4008)", "a 2 MiB frame closes that connection (1009) and the server serves the others"),
      ...t("e2e/meeting", "after the signaling connection drops, everyone rejoins automatically"),
    ],
  },
  {
    area: "minimisation",
    de: "Keine Dienste Dritter: Alle Anfragen aller Seiten gehen an den eigenen Server; keine Analyse, keine fremden Schriften oder Skripte, kein fremder STUN-/TURN-Server, wenn nicht konfiguriert.",
    en: "No third-party services: every request of every page goes to the own server; no analytics, no outside fonts or scripts, no outside STUN/TURN server unless configured.",
    tests: t("e2e/third-party", "every request and WebSocket went to Treff's own origin", "no page referenced or loaded anything from another origin", "WebRTC was given no STUN or TURN server"),
  },
  {
    area: "minimisation",
    de: "Das Protokoll von Treff (und die weitergeleitete Ausgabe von Janus) enthält keine IP-Adressen, Namen, Raumnamen oder Nachrichteninhalte, auch nicht auf Stufe debug.",
    en: "Treff's log (and Janus' output it forwards) holds no IP addresses, names, room names or message contents, not even at level debug.",
    tests: t("e2e/privacy-logs", "nothing logged, start to shutdown, contains a name, the room name or an IP address", "no name, room name or IP address in any line, Janus' own included"),
  },
  {
    area: "minimisation",
    de: "Nichts über Besprechungen wird auf dem Server gespeichert: keine Aufzeichnung, kein Chatverlauf, keine Teilnehmerliste; wenn die letzte Person geht, bleibt nichts zurück. Eine Aufzeichnung entsteht nur im Browser einer Moderatorin, mit Einwilligung jeder Person.",
    en: "Nothing about meetings is stored on the server: no recording, no chat history, no list of participants; when the last person leaves, nothing is left. A recording is made only in a moderator's browser, with each person's consent.",
    tests: [
      ...t("e2e/privacy-logs", "a meeting of three runs: home page, privacy page, pre-join, join, media, a dropped connection, leave"),
      ...t("integration/lifecycle", "the last participant out destroys the Janus VideoRoom and leaves nothing behind"),
    ],
  },
  {
    area: "minimisation",
    de: "Kurze Fristen: Fehlversuche je Adresse im Arbeitsspeicher nach einer Minute vergessen; Identitätsschlüssel im Browser einen Tag nach dem letzten Öffnen des Tabs gelöscht.",
    en: "Short periods: failed attempts per address forgotten from memory after a minute; identity keys in the browser deleted a day after their tab was last open.",
    tests: [
      ...t("unit/attempts", "expired addresses are forgotten, not kept in memory"),
      ...t("e2e/kept-identity", "loading any Treff page deletes the keys of tabs closed more than a day ago, and keeps younger ones", "a page that stays open deletes keys as they turn a day old, but keeps the ones of its own tab"),
    ],
  },
  {
    area: "minimisation",
    de: "Kamera und Mikrofon bleiben aus, bis die Person sie einschaltet; kein Gerät wird vorher geöffnet.",
    en: "Camera and microphone stay off until the person switches them on; no device is opened before.",
    tests: t(
      "e2e/before-joining",
      "no camera or microphone is opened before the person chooses; the preview shows only then, and the choice is remembered",
      "who joins without switching anything on is seen muted with the camera off, and can switch on later",
    ),
    when: (_c, f) => f.mediaOffByDefault,
  },
  {
    area: "transparency",
    de: "Datenschutzhinweise nach Art. 13 DSGVO (/privacy, deutsch und englisch), aus der laufenden Konfiguration erzeugt; was der Betreiber nicht angegeben hat, wird als fehlend benannt.",
    en: "Privacy information under Art. 13 GDPR (/privacy, German and English), generated from the running configuration; what the operator has not declared is named as missing.",
    tests: [
      ...t("unit/privacy-deployments", "a rented server with processors, en: every Art. 13 item, as declared", "nothing declared, de: every Art. 13 item, as declared"),
      ...t("integration/privacy-http", "/privacy?lang=de states the declared legal basis, processors, logs, transfers and the operator's text"),
    ],
  },
  {
    area: "transparency",
    de: "Jede Besprechung zeigt ehrlich, ob sie für alle Ende-zu-Ende-verschlüsselt ist, und nennt die Personen, für die das nicht gilt.",
    en: "Every meeting says honestly whether it is end-to-end encrypted for everyone, and names the people for whom it is not.",
    tests: t("e2e/e2ee", "a browser without E2EE is shown to everyone as such, and a moderator can keep such browsers out"),
    when: (_c, f) => f.endToEnd,
  },
];

/** The measures that hold for this configuration. */
export function measuresFor(config: Config, facts: PrivacyFacts): Measure[] {
  return MEASURES.filter((m) => !m.when || m.when(config, facts));
}
