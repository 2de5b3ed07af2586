/**
 * The English privacy page (see privacy-page.ts). Every sentence is either
 * true of every Treff (and tested, docs/privacy.md) or follows the operator's
 * configuration; a value from the configuration only ever goes in escaped.
 */
import type { PrivacyText } from "./privacy-page.js";
import type { LogDeclaration, PrivacyFacts } from "./privacy-facts.js";
import { contactHtml, escapeHtml, paragraphsHtml, strongList } from "./privacy-html.js";

const ASK = "Ask whoever sent you the link to this meeting who runs this server.";

function responsible(o: PrivacyFacts["operator"]): string {
  if (!o.name && !o.contact) {
    return `<p><strong>The operator of this server has not filled in who runs it or how to reach them.</strong> ${ASK}</p>`;
  }
  return [
    o.name
      ? `<p>The party responsible for your data on this server (the controller under the GDPR) is <strong>${escapeHtml(o.name)}</strong>.</p>`
      : `<p><strong>The operator of this server has not filled in their name.</strong> ${ASK}</p>`,
    o.contact ? `<p>Contact: ${contactHtml(o.contact)}</p>` : `<p><strong>The operator has not filled in how to reach them.</strong> ${ASK}</p>`,
    o.dataProtectionOfficer ? `<p>Data protection officer: ${contactHtml(o.dataProtectionOfficer)}</p>` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

const days = (n: number | undefined) => (n === 1 ? "one day" : `${n} days`);

/** What the reverse proxy in front of Treff records, as the operator declared it. */
function proxyLog(log: LogDeclaration): string {
  switch (log.policy) {
    case "none":
      return "The web server in front of Treff that encrypts the connection (a reverse proxy) keeps no log of requests either.";
    case "errors-without-address":
      return "The web server in front of Treff that encrypts the connection (a reverse proxy) records only errors, without your address and without the address of the page you opened.";
    case "addresses":
      return `The web server in front of Treff that encrypts the connection (a reverse proxy) logs each request with your connection address, the time and the address of the page, which contains the meeting’s name; these logs are deleted after ${days(log.days)}.`;
    case "unknown":
      return "<strong>The operator has not stated what the web server in front of Treff that encrypts the connection (a reverse proxy) records.</strong> By default such servers log each request with the connection address, the time and the address of the page, which contains the meeting’s name. Ask the operator.";
  }
}

/** What the operator's TURN relay records, as declared. */
function turnLog(log: LogDeclaration): string {
  switch (log.policy) {
    case "none":
      return "The relay server keeps no log of connections.";
    case "errors-without-address":
      return "The relay server records only errors, without your address.";
    case "addresses":
      return `The relay server logs each connection with your connection address; these logs are deleted after ${days(log.days)}.`;
    case "unknown":
      return "<strong>The operator has not stated what the relay server records.</strong> By default relay servers log each connection with the connection address. Ask the operator.";
  }
}

function legalBasis(f: PrivacyFacts): string {
  const items: string[] = [];
  if (f.legalBasis.includes("contract")) {
    items.push("<li>Art. 6(1)(b) GDPR: the meeting is part of a contract with you, or of steps you asked for before one.</li>");
  }
  if (f.legalBasis.includes("public-task")) {
    items.push("<li>Art. 6(1)(e) GDPR: the meeting is part of a task the operator carries out in the public interest or in the exercise of official authority.</li>");
  }
  if (f.legalBasis.includes("legitimate-interests")) {
    items.push(`<li>Art. 6(1)(f) GDPR: the operator’s legitimate interests, namely: ${contactHtml(f.legitimateInterests.en)}</li>`);
  }
  if (f.healthData) {
    items.push("<li>Where health data is discussed (for example in a video consultation): Art. 9(2)(h) GDPR, health care by professionals bound by professional secrecy.</li>");
  }
  if (f.legalBasis.length === 0) {
    return `<p><strong>The operator has not stated the legal basis (Art. 6 GDPR)</strong>, for example a contract with you or a task they carry out. It depends on who runs this server and what for; ask the operator.</p>${
      items.length ? `\n<ul>\n${items.join("\n")}\n</ul>` : ""
    }`;
  }
  return `<p>The operator processes your data on this legal basis:</p>\n<ul>\n${items.join("\n")}\n</ul>`;
}

function hosting(f: PrivacyFacts): string {
  switch (f.hosting) {
    case "own":
      return "<p>This server runs on the operator’s own equipment; no hosting provider processes your data.</p>";
    case "provider":
      return `<p>This server runs at the hosting provider <strong>${escapeHtml(f.hostingProvider)}</strong>, which processes data only on the operator’s behalf and instructions (a processor, Art. 28 GDPR).</p>`;
    case "unknown":
      return "<p><strong>The operator has not stated whether this server runs on their own equipment or at a hosting provider.</strong> A hosting provider would process your data on the operator’s behalf (Art. 28 GDPR); ask the operator.</p>";
  }
}

function processors(f: PrivacyFacts): string {
  if (f.processors.length === 0) return "";
  const items = f.processors.map(
    (p) => `<li><strong>${escapeHtml(p.name)}</strong>${p.country ? ` (${escapeHtml(p.country)})` : ""}: ${escapeHtml(p.purpose.en)}</li>`,
  );
  return `<p>These processors also work for the operator on their instructions (Art. 28 GDPR):</p>\n<ul>\n${items.join("\n")}\n</ul>\n`;
}

function thirdCountries(f: PrivacyFacts): string {
  const treff = "<p>Treff itself sends your data nowhere but to the participants of your meeting (who receive what you share wherever they are).</p>";
  switch (f.thirdCountries) {
    case "none":
      return `${treff}\n<p>Your data is not transferred to countries outside the European Union and the European Economic Area: this server${f.turnHosts.length ? ", the relay server" : ""}${f.processors.length || f.hosting === "provider" ? " and the processors named above" : ""} process it within the EU/EEA.</p>`;
    case "listed": {
      const items = f.transfers.map(
        (t) => `<li><strong>${escapeHtml(t.recipient)}</strong> in ${escapeHtml(t.country)}, on the basis of: ${escapeHtml(t.safeguard.en)}</li>`,
      );
      return `${treff}\n<p>Data is transferred to these recipients outside the European Union and the European Economic Area:</p>\n<ul>\n${items.join("\n")}\n</ul>`;
    }
    case "unknown":
      return `${treff}\n<p><strong>The operator has not stated whether this server${f.turnHosts.length ? " and the relay server" : ""} run within the European Union or the European Economic Area.</strong> Ask the operator.</p>`;
  }
}

export const ENGLISH: PrivacyText = {
  title: "Privacy information",
  languageName: "English",
  languageLabel: "Language",
  home: "To Treff’s start page",
  body: (f) => `<p>This page tells you what happens to your data when you take part in a meeting on this server, as Article 13 of the EU General Data Protection Regulation (GDPR) requires. It is generated from this server’s configuration, so it describes the server as it runs now; what Treff cannot know itself, the operator has stated in that configuration, or the page says it is missing.</p>

<h2>Who is responsible</h2>
${responsible(f.operator)}

<h2>What is processed, and why</h2>
<ul>
<li><strong>Your connection address</strong> (IP address), while you are connected: without it your browser cannot reach the server. Treff uses it for the network connection only and writes it to no log. ${proxyLog(f.proxyLogs)} If you enter a wrong meeting password, the server counts failed attempts per address in its memory for about a minute, to stop passwords being guessed.</li>
<li><strong>The name you enter.</strong> The others in the meeting see it${f.lobby ? "; while you wait in the waiting room, its moderators see it there" : ""}. It does not have to be your full name.</li>
<li><strong>Sound and picture</strong> from your microphone and camera, and your screen if you share it, each only while it is switched on. They pass through the media server on this server to the other participants. You choose before joining whether camera and microphone are on, and you can switch them off at any time.</li>
<li><strong>Chat messages and reactions.</strong> The server passes them on to the people in the meeting at that moment and does not store them.</li>
<li><strong>The state of the meeting</strong>: who is in it, who moderates, whether microphones and cameras are on, whose hand is raised. It is kept in memory only.</li>
</ul>
<p>Nothing else: you need no account and no e-mail address, and there are no cookies, no tracking, no analytics and no advertising.</p>
<p>The only purpose is to hold the meeting you take part in. Nothing is evaluated: not who met whom, when or for how long, and not what was said.</p>
<p>You are not obliged to give any data, but you cannot join without a name. Camera and microphone are up to you. There is no automated decision-making and no profiling.</p>

<h2>Legal basis</h2>
${legalBasis(f)}

<h2>What stays on your device</h2>
<p>Your browser keeps, on your device only: the name you entered last and the language you chose (until you delete this site’s data), and, if you moderate, the key of the meeting’s moderator link, until it expires (at the latest ${f.moderatorKeyDays} days after its last use), the meeting ends or your moderator rights are taken away. While the tab is open it also keeps a token that brings you back into the meeting after a reload.${
    f.endToEnd
      ? " For end-to-end encryption it keeps the tab’s key pair until you leave the meeting, and deletes it after 24 hours at the latest if the tab was closed without leaving; its secret part cannot be read, not even by this site’s own scripts."
      : ""
  } These are sent to this server only when you join a meeting. No cookies are set. If a meeting link carries a passphrase for end-to-end encryption (after the “#”), it stays in your browser’s address bar and history like any address; browsers never send that part to a server.</p>

<h2>For how long</h2>
<p>For the meeting only. When you leave, the server forgets your name and your connection; when the last person has left, the meeting is gone. Nothing about meetings or participants is written to disk: the server cannot record meetings, and there is no chat history and no list of participants. A moderator can record a meeting in their own browser, never on the server: everyone is asked first, and whoever declines or does not answer appears in the recording only as a tile with their name, without picture or sound; a red indicator shows for as long as it runs, and newcomers are told before they join. The file stays on the moderator’s device; whoever records is responsible for it (what it is for, who gets it, when it is deleted) and must inform you. Treff’s own log records technical events (start, errors) without connection addresses, names, meeting names or message contents.${
    f.proxyLogs.policy === "addresses" ? ` The reverse proxy’s logs with connection addresses are deleted after ${days(f.proxyLogs.days)}.` : ""
  }${f.turnLogs?.policy === "addresses" ? ` The relay server’s logs with connection addresses are deleted after ${days(f.turnLogs.days)}.` : ""}</p>

<h2>Who receives your data</h2>
<p>The other participants of your meeting see and hear what you share there: your name, picture, sound, screen and chat messages. Treff passes nothing to third parties${
    f.iceHosts.length ? " and, apart from the connection servers named below," : " and"
  } uses no outside services (no analytics, no fonts or scripts from elsewhere${f.iceHosts.length || f.turnHosts.length ? "" : ", no outside STUN or relay servers"}).</p>
${hosting(f)}
${processors(f)}${
    f.turnHosts.length && f.turnLogs
      ? `<p>If your network blocks direct connections, your sound and picture may travel through a relay server (TURN) that the operator runs for this purpose: ${strongList(f.turnHosts, "and")}. The relay learns your connection address and passes the encrypted media on; it cannot decrypt them. ${turnLog(f.turnLogs)}</p>\n`
      : ""
  }${
    f.iceHosts.length
      ? `<p>Your browser also contacts these connection servers (STUN/TURN), which the operator configured and which learn your connection address: ${strongList(f.iceHosts, "and")}.</p>\n`
      : ""
  }
<h2>Outside the EU and the EEA</h2>
${thirdCountries(f)}

<h2>Encryption</h2>
${
  f.endToEnd
    ? `<p>Sound, picture and chat messages are end-to-end encrypted: your browser encrypts them, and only the browsers of the other participants can decrypt them. This server passes them on but cannot read them. ${
        f.endToEndRequired
          ? "A browser that cannot encrypt end to end (an old version) cannot join any meeting on this server."
          : "A browser that cannot encrypt end to end (an old version) is shown to everyone in the meeting as “not end-to-end encrypted”, and moderators can keep such browsers out."
      } The server still learns who takes part and when. The connection to this server is encrypted as well: sound and picture with DTLS-SRTP, the page and the meeting’s control connection with HTTPS if the operator has set it up (then your browser’s address bar shows a lock).</p>`
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
<li>receive the data you provided in a structured, commonly used, machine-readable format and have it passed to someone else, where the processing rests on a contract or your consent (data portability, Art. 20),</li>
<li>object to processing that rests on a public task or on legitimate interests (Art. 21).</li>
</ul>
<p>To use them, contact the party responsible, named above. As the server keeps nothing after the meeting, there is usually nothing left to access, erase or hand over afterwards. During a meeting you correct your name by leaving and joining again with the right one; leaving erases your data on the server.</p>
<p>You also have the right to lodge a complaint with a data protection supervisory authority (Art. 77 GDPR), in particular in the EU member state where you live or work or where the alleged infringement took place.</p>${
    f.notes.en ? `\n\n<h2>More from the operator</h2>\n${paragraphsHtml(f.notes.en)}` : ""
  }`,
};
