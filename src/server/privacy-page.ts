/**
 * The privacy page (/privacy): the information Art. 13 GDPR asks for, in
 * German and English, generated from the running configuration, so it
 * states what this server does and who runs it, not what a template hoped.
 *
 * Static HTML: no script and no inline style (the CSP forbids both); every
 * configured value goes through escapeHtml. docs/privacy.md backs each
 * sentence with the code and the test that prove it.
 */
import type { Config } from "./config.js";

export type PageLanguage = "de" | "en";

/** What the page states, taken from the configuration. */
export interface PrivacyFacts {
  operator: { name: string; contact: string; dataProtectionOfficer: string };
  /** Guests wait in a lobby (a moderator sees their name there). */
  lobby: boolean;
  /** Hosts of the operator's TURN relays (config.turn.urls). */
  turnHosts: string[];
  /** Hosts of other STUN/TURN servers browsers are told to use (config.iceServers). */
  iceHosts: string[];
  /** Browsers encrypt audio, video and chat end to end (config.meetings.e2ee; docs/e2ee.md). */
  endToEnd: boolean;
}

export function privacyFacts(config: Config): PrivacyFacts {
  const trim = (s: string) => s.trim();
  const turnHosts = uniqueHosts(config.turn.urls);
  return {
    operator: {
      name: trim(config.operator.name),
      contact: trim(config.operator.contact),
      dataProtectionOfficer: trim(config.operator.dataProtectionOfficer),
    },
    lobby: config.meetings.lobby,
    turnHosts,
    iceHosts: uniqueHosts(config.iceServers.flatMap((s) => s.urls)).filter((h) => !turnHosts.includes(h)),
    endToEnd: config.meetings.e2ee,
  };
}

export function renderPrivacyPage(config: Config, language: PageLanguage): string {
  const facts = privacyFacts(config);
  const page = PAGES[language];
  const other: PageLanguage = language === "de" ? "en" : "de";
  return `<!doctype html>
<html lang="${language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} – Treff</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/app.css">
</head>
<body>
<main class="card privacy">
<nav class="language" aria-label="${page.languageLabel}"><a href="?lang=${other}" hreflang="${other}" lang="${other}">${PAGES[other].languageName}</a></nav>
<h1>${page.title}</h1>
${page.body(facts)}
<p><a href="/">${page.home}</a></p>
</main>
</body>
</html>
`;
}

/** Makes text safe inside HTML elements and double- or single-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A configured contact as HTML: escaped, line breaks kept, and web addresses
 * (http, https) and e-mail addresses made into links. Nothing else becomes a
 * link, so a `javascript:` value stays text.
 */
export function contactHtml(text: string): string {
  const linkable = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;
  let html = "";
  let last = 0;
  for (const match of text.matchAll(linkable)) {
    const value = match[0];
    const href = value.includes("@") && !value.includes("://") ? `mailto:${value}` : value;
    html += escapeHtml(text.slice(last, match.index)) + `<a href="${escapeHtml(href)}">${escapeHtml(value)}</a>`;
    last = match.index + value.length;
  }
  html += escapeHtml(text.slice(last));
  return html.replace(/\r?\n/g, "<br>\n");
}

/** The host of a STUN/TURN URL (`turn:host:port?transport=udp`), for the reader. */
function iceHost(url: string): string {
  const match = /^(?:stuns?|turns?):(\[[^\]]*\]|[^:?/]+)/i.exec(url.trim());
  return match?.[1] ?? url.trim();
}

function uniqueHosts(urls: readonly string[]): string[] {
  return [...new Set(urls.map(iceHost).filter(Boolean))];
}

/** `a, b and c` from escaped host names. */
function hostList(hosts: readonly string[], and: string): string {
  const items = hosts.map((h) => `<strong>${escapeHtml(h)}</strong>`);
  return items.length > 1 ? `${items.slice(0, -1).join(", ")} ${and} ${items[items.length - 1]}` : (items[0] ?? "");
}

interface Page {
  title: string;
  languageName: string;
  languageLabel: string;
  home: string;
  body(facts: PrivacyFacts): string;
}

const PAGES: Record<PageLanguage, Page> = {
  en: {
    title: "Privacy information",
    languageName: "English",
    languageLabel: "Language",
    home: "To Treff’s start page",
    body: (f) => `<p>This page tells you what happens to your data when you take part in a meeting on this server, as Article 13 of the EU General Data Protection Regulation (GDPR) requires. It is generated from this server’s configuration, so it describes the server as it runs now.</p>

<h2>Who is responsible</h2>
${responsibleEn(f.operator)}

<h2>What is processed, and why</h2>
<ul>
<li><strong>Your connection address</strong> (IP address), while you are connected: without it your browser cannot reach the server. It is used for the network connection only and is not written to any log. If you enter a wrong meeting password, the server counts failed attempts per address in its memory for about a minute, to stop passwords being guessed.</li>
<li><strong>The name you enter.</strong> The others in the meeting see it${f.lobby ? "; while you wait in the waiting room, its moderators see it there" : ""}. It does not have to be your full name.</li>
<li><strong>Sound and picture</strong> from your microphone and camera, and your screen if you share it, each only while it is switched on. They pass through the media server on this server to the other participants. You choose before joining whether camera and microphone are on, and you can switch them off at any time.</li>
<li><strong>Chat messages and reactions.</strong> The server passes them on to the people in the meeting at that moment and does not store them.</li>
<li><strong>The state of the meeting</strong>: who is in it, who moderates, whether microphones and cameras are on, whose hand is raised. It is kept in memory only.</li>
</ul>
<p>Nothing else: you need no account and no e-mail address, and there are no cookies, no tracking, no analytics and no advertising.</p>
<p>The only purpose is to hold the meeting you take part in. Nothing is evaluated: not who met whom, when or for how long, and not what was said.</p>
<p>Which legal basis (Art. 6 GDPR) applies, for example a contract with you or a task the operator carries out, depends on who runs this server and what for; the operator can tell you.</p>
<p>You are not obliged to give any data, but you cannot join without a name. Camera and microphone are up to you. There is no automated decision-making and no profiling.</p>

<h2>What stays on your device</h2>
<p>Your browser keeps, on your device only: the name you entered last and the language you chose (until you delete this site’s data), and, if you moderate, the key of the meeting’s moderator link. While the tab is open it also keeps a token that brings you back into the meeting after a reload. These are sent to this server only when you join a meeting. No cookies are set. If a meeting link carries a passphrase for end-to-end encryption (after the “#”), it stays in your browser’s address bar and history like any address; browsers never send that part to a server.</p>

<h2>For how long</h2>
<p>For the meeting only. When you leave, the server forgets your name and your connection; when the last person has left, the meeting is gone. Nothing about meetings or participants is written to disk: Treff cannot record meetings, and there is no chat history and no list of participants. The server’s log records technical events (start, errors) without connection addresses, names, meeting names or message contents.</p>
<p>If a meeting was created under a name its organiser chose, the server keeps that name in memory for 24 hours, so that nobody else can take it.</p>

<h2>Who receives your data</h2>
<p>The other participants of your meeting see and hear what you share there: your name, picture, sound, screen and chat messages. Nobody else: this server passes nothing to third parties${
      f.iceHosts.length ? " and, apart from the connection servers named below," : " and"
    } uses no outside services (no analytics, no fonts or scripts from elsewhere${f.iceHosts.length || f.turnHosts.length ? "" : ", no outside STUN or relay servers"}).</p>
${
  f.turnHosts.length
    ? `<p>If your network blocks direct connections, your sound and picture may travel through a relay server (TURN) that the operator runs for this purpose: ${hostList(f.turnHosts, "and")}. The relay learns your connection address and passes the encrypted media on; it cannot decrypt them.</p>\n`
    : ""
}${
      f.iceHosts.length
        ? `<p>Your browser also contacts these connection servers (STUN/TURN), which the operator configured and which learn your connection address: ${hostList(f.iceHosts, "and")}.</p>\n`
        : ""
    }
<h2>Encryption</h2>
${
  f.endToEnd
    ? `<p>Sound, picture and chat messages are end-to-end encrypted: your browser encrypts them, and only the browsers of the other participants can decrypt them. This server passes them on but cannot read them. A browser that cannot encrypt end to end (an old version) is shown to everyone in the meeting as “not end-to-end encrypted”, and moderators can keep such browsers out. The server still learns who takes part and when. The connection to this server is encrypted as well: sound and picture with DTLS-SRTP, the page and the meeting’s control connection with HTTPS if the operator has set it up (then your browser’s address bar shows a lock).</p>`
    : `<p>Your connection to this server is encrypted: sound and picture always (DTLS-SRTP), the page and the meeting’s control connection with HTTPS if the operator has set it up (then your browser’s address bar shows a lock).</p>
<p><strong>End-to-end encryption is not active.</strong> This server decrypts sound, picture and chat messages in order to pass them on, so whoever controls the server could technically see and hear them. Treff neither records nor stores them.</p>`
}

<h2>Your rights</h2>
<p>Under the GDPR you have the right to</p>
<ul>
<li>access the data processed about you (Art. 15),</li>
<li>have wrong data corrected (Art. 16),</li>
<li>have your data erased (Art. 17),</li>
<li>have processing restricted (Art. 18),</li>
<li>object to processing (Art. 21).</li>
</ul>
<p>To use them, contact the party responsible, named above. As the server keeps nothing after the meeting, there is usually nothing left to access or erase afterwards. During a meeting you correct your name by leaving and joining again with the right one; leaving erases your data on the server.</p>
<p>You also have the right to lodge a complaint with a data protection supervisory authority (Art. 77 GDPR), in particular in the EU member state where you live or work or where the alleged infringement took place.</p>`,
  },
  de: {
    title: "Datenschutzhinweise",
    languageName: "Deutsch",
    languageLabel: "Sprache",
    home: "Zur Startseite von Treff",
    body: (f) => `<p>Diese Seite informiert Sie nach Artikel 13 der Datenschutz-Grundverordnung (DSGVO) darüber, was mit Ihren Daten geschieht, wenn Sie auf diesem Server an einer Besprechung teilnehmen. Sie wird aus der Konfiguration des Servers erzeugt und beschreibt ihn so, wie er gerade läuft.</p>

<h2>Wer verantwortlich ist</h2>
${responsibleDe(f.operator)}

<h2>Welche Daten verarbeitet werden und wozu</h2>
<ul>
<li><strong>Ihre Verbindungsadresse</strong> (IP-Adresse), solange Sie verbunden sind: Ohne sie kann Ihr Browser den Server nicht erreichen. Sie dient nur der Netzwerkverbindung und wird nicht protokolliert. Geben Sie ein falsches Besprechungspasswort ein, zählt der Server die Fehlversuche je Adresse etwa eine Minute lang im Arbeitsspeicher, damit Passwörter nicht erraten werden können.</li>
<li><strong>Der Name, den Sie eingeben.</strong> Die anderen in der Besprechung sehen ihn${f.lobby ? "; solange Sie im Warteraum warten, sehen ihn dort die Moderierenden" : ""}. Es muss nicht Ihr vollständiger Name sein.</li>
<li><strong>Ton und Bild</strong> von Mikrofon und Kamera und Ihr Bildschirm, wenn Sie ihn teilen, jeweils nur, solange sie eingeschaltet sind. Sie laufen über den Medienserver auf diesem Server zu den anderen Teilnehmenden. Ob Kamera und Mikrofon an sind, entscheiden Sie vor dem Beitreten, und Sie können beide jederzeit ausschalten.</li>
<li><strong>Chatnachrichten und Reaktionen.</strong> Der Server leitet sie an die Personen weiter, die gerade in der Besprechung sind, und speichert sie nicht.</li>
<li><strong>Der Zustand der Besprechung</strong>: wer teilnimmt, wer moderiert, ob Mikrofone und Kameras an sind, wer sich gemeldet hat. Er wird nur im Arbeitsspeicher gehalten.</li>
</ul>
<p>Mehr nicht: Sie brauchen weder ein Konto noch eine E-Mail-Adresse, und es gibt keine Cookies, kein Tracking, keine Analyse und keine Werbung.</p>
<p>Der einzige Zweck ist, die Besprechung durchzuführen, an der Sie teilnehmen. Nichts davon wird ausgewertet: weder wer sich wann und wie lange mit wem getroffen hat noch was gesagt wurde.</p>
<p>Auf welcher Rechtsgrundlage (Art. 6 DSGVO) die Verarbeitung beruht, etwa auf einem Vertrag mit Ihnen oder einer Aufgabe des Betreibers, hängt davon ab, wer diesen Server wofür betreibt; der Betreiber kann es Ihnen sagen.</p>
<p>Sie sind nicht verpflichtet, Daten anzugeben; ohne Namen können Sie aber nicht beitreten. Ob Sie Kamera und Mikrofon nutzen, entscheiden Sie selbst. Es gibt keine automatisierte Entscheidungsfindung und kein Profiling.</p>

<h2>Was auf Ihrem Gerät bleibt</h2>
<p>Ihr Browser speichert nur auf Ihrem Gerät: den zuletzt eingegebenen Namen und die gewählte Sprache (bis Sie die Daten dieser Website löschen) und, wenn Sie moderieren, den Schlüssel des Moderationslinks der Besprechung. Solange der Tab offen ist, behält er außerdem ein Token, mit dem Sie nach dem Neuladen der Seite wieder in die Besprechung kommen. An diesen Server geht davon nur etwas, wenn Sie einer Besprechung beitreten. Cookies werden nicht gesetzt. Enthält ein Besprechungslink eine Passphrase für die Ende-zu-Ende-Verschlüsselung (nach dem „#“), bleibt sie wie jede Adresse in der Adressleiste und im Verlauf Ihres Browsers; diesen Teil senden Browser nie an einen Server.</p>

<h2>Wie lange</h2>
<p>Nur für die Dauer der Besprechung. Wenn Sie gehen, vergisst der Server Ihren Namen und Ihre Verbindung; wenn die letzte Person gegangen ist, gibt es die Besprechung nicht mehr. Über Besprechungen und Teilnehmende wird nichts auf einem Datenträger gespeichert: Treff kann Besprechungen nicht aufzeichnen, und es gibt weder einen Chatverlauf noch eine Teilnehmerliste. Das Protokoll (Log) des Servers hält technische Ereignisse fest (Start, Fehler), ohne Verbindungsadressen, Namen, Besprechungsnamen oder Nachrichteninhalte.</p>
<p>Wurde eine Besprechung unter einem selbst gewählten Namen angelegt, merkt sich der Server diesen Namen 24 Stunden lang im Arbeitsspeicher, damit niemand anders ihn übernehmen kann.</p>

<h2>Wer Ihre Daten erhält</h2>
<p>Die anderen Teilnehmenden Ihrer Besprechung sehen und hören, was Sie dort teilen: Ihren Namen, Ihr Bild, Ihren Ton, Ihren Bildschirm und Ihre Chatnachrichten. Sonst niemand: Dieser Server gibt nichts an Dritte weiter und nutzt${
      f.iceHosts.length ? ", abgesehen von den unten genannten Verbindungsservern," : ""
    } keine fremden Dienste, also keine Analyse und keine Schriften oder Skripte von anderen Servern${f.iceHosts.length || f.turnHosts.length ? "" : ", auch keine fremden STUN- oder Relay-Server"}.</p>
${
  f.turnHosts.length
    ? `<p>Wenn Ihr Netz direkte Verbindungen sperrt, können Ton und Bild über einen Relay-Server (TURN) laufen, den der Betreiber dafür bereitstellt: ${hostList(f.turnHosts, "und")}. Der Relay-Server erfährt Ihre Verbindungsadresse und leitet die verschlüsselten Daten nur weiter; entschlüsseln kann er sie nicht.</p>\n`
    : ""
}${
      f.iceHosts.length
        ? `<p>Außerdem nimmt Ihr Browser Kontakt zu diesen Verbindungsservern (STUN/TURN) auf, die der Betreiber eingetragen hat und die dabei Ihre Verbindungsadresse erfahren: ${hostList(f.iceHosts, "und")}.</p>\n`
        : ""
    }
<h2>Verschlüsselung</h2>
${
  f.endToEnd
    ? `<p>Ton, Bild und Chatnachrichten sind Ende-zu-Ende-verschlüsselt: Ihr Browser verschlüsselt sie, und nur die Browser der anderen Teilnehmenden können sie entschlüsseln. Dieser Server leitet sie weiter, kann sie aber nicht lesen. Ein Browser, der nicht Ende-zu-Ende verschlüsseln kann (eine alte Version), wird allen in der Besprechung als „nicht Ende-zu-Ende-verschlüsselt“ angezeigt, und Moderierende können solche Browser ausschließen. Wer teilnimmt und wann, erfährt der Server weiterhin. Auch die Verbindung zu diesem Server ist verschlüsselt: Ton und Bild mit DTLS-SRTP, die Seite und die Steuerverbindung der Besprechung mit HTTPS, sofern der Betreiber es eingerichtet hat (dann zeigt die Adressleiste Ihres Browsers ein Schloss).</p>`
    : `<p>Die Verbindung zu diesem Server ist verschlüsselt: Ton und Bild immer (DTLS-SRTP), die Seite und die Steuerverbindung der Besprechung mit HTTPS, sofern der Betreiber es eingerichtet hat (dann zeigt die Adressleiste Ihres Browsers ein Schloss).</p>
<p><strong>Eine Ende-zu-Ende-Verschlüsselung ist nicht aktiv.</strong> Dieser Server entschlüsselt Ton, Bild und Chatnachrichten, um sie weiterzuleiten. Wer den Server kontrolliert, könnte sie also technisch sehen und hören. Treff zeichnet sie nicht auf und speichert sie nicht.</p>`
}

<h2>Ihre Rechte</h2>
<p>Nach der DSGVO haben Sie das Recht auf</p>
<ul>
<li>Auskunft über die Daten, die über Sie verarbeitet werden (Art. 15),</li>
<li>Berichtigung unrichtiger Daten (Art. 16),</li>
<li>Löschung Ihrer Daten (Art. 17),</li>
<li>Einschränkung der Verarbeitung (Art. 18),</li>
<li>Widerspruch gegen die Verarbeitung (Art. 21).</li>
</ul>
<p>Wenden Sie sich dafür an die oben genannte verantwortliche Stelle. Da der Server nach der Besprechung nichts behält, gibt es danach in der Regel nichts mehr, worüber Auskunft zu geben oder was zu löschen wäre. Während einer Besprechung berichtigen Sie Ihren Namen, indem Sie die Besprechung verlassen und mit dem richtigen Namen wieder beitreten; mit dem Verlassen werden Ihre Daten auf dem Server gelöscht.</p>
<p>Außerdem haben Sie das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren (Art. 77 DSGVO), insbesondere in dem EU-Mitgliedstaat, in dem Sie leben oder arbeiten oder in dem der mutmaßliche Verstoß stattfand.</p>`,
  },
};

type Operator = PrivacyFacts["operator"];

function responsibleEn(o: Operator): string {
  const ask = "Ask whoever sent you the link to this meeting who runs this server.";
  if (!o.name && !o.contact) {
    return `<p><strong>The operator of this server has not filled in who runs it or how to reach them.</strong> ${ask}</p>`;
  }
  return [
    o.name
      ? `<p>The party responsible for your data on this server (the controller under the GDPR) is <strong>${escapeHtml(o.name)}</strong>.</p>`
      : `<p><strong>The operator of this server has not filled in their name.</strong> ${ask}</p>`,
    o.contact ? `<p>Contact: ${contactHtml(o.contact)}</p>` : `<p><strong>The operator has not filled in how to reach them.</strong> ${ask}</p>`,
    o.dataProtectionOfficer ? `<p>Data protection officer: ${contactHtml(o.dataProtectionOfficer)}</p>` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

function responsibleDe(o: Operator): string {
  const ask = "Fragen Sie die Person oder Stelle, die Ihnen den Link zu dieser Besprechung geschickt hat, wer diesen Server betreibt.";
  if (!o.name && !o.contact) {
    return `<p><strong>Der Betreiber dieses Servers hat nicht eingetragen, wer er ist und wie man ihn erreicht.</strong> ${ask}</p>`;
  }
  return [
    o.name
      ? `<p>Verantwortlich für die Verarbeitung Ihrer Daten auf diesem Server (Verantwortlicher im Sinne der DSGVO) ist <strong>${escapeHtml(o.name)}</strong>.</p>`
      : `<p><strong>Der Betreiber dieses Servers hat seinen Namen nicht eingetragen.</strong> ${ask}</p>`,
    o.contact ? `<p>Kontakt: ${contactHtml(o.contact)}</p>` : `<p><strong>Der Betreiber hat nicht eingetragen, wie man ihn erreicht.</strong> ${ask}</p>`,
    o.dataProtectionOfficer ? `<p>Kontakt der oder des Datenschutzbeauftragten: ${contactHtml(o.dataProtectionOfficer)}</p>` : "",
  ]
    .filter(Boolean)
    .join("\n");
}
