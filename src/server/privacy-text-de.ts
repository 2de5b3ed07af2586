/**
 * Die deutschen Datenschutzhinweise (siehe privacy-page.ts): derselbe Inhalt
 * wie privacy-text-en.ts, jeder Satz wahr für jedes Treff oder aus der
 * Konfiguration des Betreibers; konfigurierte Werte nur maskiert (escaped).
 */
import type { PrivacyText } from "./privacy-page.js";
import type { LogDeclaration, PrivacyFacts } from "./privacy-facts.js";
import { contactHtml, escapeHtml, paragraphsHtml, strongList } from "./privacy-html.js";

const ASK = "Fragen Sie die Person oder Stelle, die Ihnen den Link zu dieser Besprechung geschickt hat, wer diesen Server betreibt.";

function responsible(o: PrivacyFacts["operator"]): string {
  if (!o.name && !o.contact) {
    return `<p><strong>Der Betreiber dieses Servers hat nicht eingetragen, wer er ist und wie man ihn erreicht.</strong> ${ASK}</p>`;
  }
  return [
    o.name
      ? `<p>Verantwortlich für die Verarbeitung Ihrer Daten auf diesem Server (Verantwortlicher im Sinne der DSGVO) ist <strong>${escapeHtml(o.name)}</strong>.</p>`
      : `<p><strong>Der Betreiber dieses Servers hat seinen Namen nicht eingetragen.</strong> ${ASK}</p>`,
    o.contact ? `<p>Kontakt: ${contactHtml(o.contact)}</p>` : `<p><strong>Der Betreiber hat nicht eingetragen, wie man ihn erreicht.</strong> ${ASK}</p>`,
    o.dataProtectionOfficer ? `<p>Kontakt der oder des Datenschutzbeauftragten: ${contactHtml(o.dataProtectionOfficer)}</p>` : "",
  ]
    .filter(Boolean)
    .join("\n");
}

const days = (n: number | undefined) => (n === 1 ? "einem Tag" : `${n} Tagen`);

/** Was der Reverse Proxy vor Treff protokolliert, wie der Betreiber es angegeben hat. */
function proxyLog(log: LogDeclaration): string {
  switch (log.policy) {
    case "none":
      return "Auch der Webserver vor Treff, der die Verbindung verschlüsselt (ein Reverse Proxy), protokolliert keine Anfragen.";
    case "errors-without-address":
      return "Der Webserver vor Treff, der die Verbindung verschlüsselt (ein Reverse Proxy), protokolliert nur Fehler, ohne Ihre Adresse und ohne die Adresse der aufgerufenen Seite.";
    case "addresses":
      return `Der Webserver vor Treff, der die Verbindung verschlüsselt (ein Reverse Proxy), protokolliert jede Anfrage mit Ihrer Verbindungsadresse, der Uhrzeit und der Adresse der Seite, die den Namen der Besprechung enthält; diese Protokolle werden nach ${days(log.days)} gelöscht.`;
    case "unknown":
      return "<strong>Der Betreiber hat nicht angegeben, was der Webserver vor Treff, der die Verbindung verschlüsselt (ein Reverse Proxy), protokolliert.</strong> Solche Server protokollieren in der Grundeinstellung jede Anfrage mit der Verbindungsadresse, der Uhrzeit und der Adresse der Seite, die den Namen der Besprechung enthält. Fragen Sie den Betreiber.";
  }
}

/** Was der TURN-Relay-Server des Betreibers protokolliert, wie angegeben. */
function turnLog(log: LogDeclaration): string {
  switch (log.policy) {
    case "none":
      return "Der Relay-Server protokolliert keine Verbindungen.";
    case "errors-without-address":
      return "Der Relay-Server protokolliert nur Fehler, ohne Ihre Adresse.";
    case "addresses":
      return `Der Relay-Server protokolliert jede Verbindung mit Ihrer Verbindungsadresse; diese Protokolle werden nach ${days(log.days)} gelöscht.`;
    case "unknown":
      return "<strong>Der Betreiber hat nicht angegeben, was der Relay-Server protokolliert.</strong> In der Grundeinstellung protokollieren Relay-Server jede Verbindung mit der Verbindungsadresse. Fragen Sie den Betreiber.";
  }
}

function legalBasis(f: PrivacyFacts): string {
  const items: string[] = [];
  if (f.legalBasis.includes("contract")) {
    items.push("<li>Art. 6 Abs. 1 lit. b DSGVO: Die Besprechung gehört zu einem Vertrag mit Ihnen oder zu vorvertraglichen Maßnahmen, die Sie angefragt haben.</li>");
  }
  if (f.legalBasis.includes("public-task")) {
    items.push("<li>Art. 6 Abs. 1 lit. e DSGVO: Die Besprechung gehört zu einer Aufgabe, die der Betreiber im öffentlichen Interesse oder in Ausübung öffentlicher Gewalt wahrnimmt.</li>");
  }
  if (f.legalBasis.includes("legitimate-interests")) {
    items.push(`<li>Art. 6 Abs. 1 lit. f DSGVO: die berechtigten Interessen des Betreibers, nämlich: ${contactHtml(f.legitimateInterests.de)}</li>`);
  }
  if (f.healthData) {
    items.push("<li>Soweit Gesundheitsdaten besprochen werden (etwa in einer Videosprechstunde): Art. 9 Abs. 2 lit. h DSGVO, Gesundheitsversorgung durch Fachpersonal, das dem Berufsgeheimnis unterliegt.</li>");
  }
  if (f.legalBasis.length === 0) {
    return `<p><strong>Der Betreiber hat die Rechtsgrundlage (Art. 6 DSGVO) nicht angegeben</strong>, etwa einen Vertrag mit Ihnen oder eine Aufgabe, die er wahrnimmt. Sie hängt davon ab, wer diesen Server wofür betreibt; fragen Sie den Betreiber.</p>${
      items.length ? `\n<ul>\n${items.join("\n")}\n</ul>` : ""
    }`;
  }
  return `<p>Der Betreiber verarbeitet Ihre Daten auf dieser Rechtsgrundlage:</p>\n<ul>\n${items.join("\n")}\n</ul>`;
}

function hosting(f: PrivacyFacts): string {
  switch (f.hosting) {
    case "own":
      return "<p>Dieser Server läuft auf eigener Technik des Betreibers; kein Hosting-Anbieter verarbeitet Ihre Daten.</p>";
    case "provider":
      return `<p>Dieser Server läuft beim Hosting-Anbieter <strong>${escapeHtml(f.hostingProvider)}</strong>, der Daten nur im Auftrag und nach Weisung des Betreibers verarbeitet (Auftragsverarbeiter, Art. 28 DSGVO).</p>`;
    case "unknown":
      return "<p><strong>Der Betreiber hat nicht angegeben, ob dieser Server auf eigener Technik oder bei einem Hosting-Anbieter läuft.</strong> Ein Hosting-Anbieter verarbeitete Ihre Daten im Auftrag des Betreibers (Art. 28 DSGVO); fragen Sie den Betreiber.</p>";
  }
}

function processors(f: PrivacyFacts): string {
  if (f.processors.length === 0) return "";
  const items = f.processors.map(
    (p) => `<li><strong>${escapeHtml(p.name)}</strong>${p.country ? ` (${escapeHtml(p.country)})` : ""}: ${escapeHtml(p.purpose.de)}</li>`,
  );
  return `<p>Außerdem arbeiten diese Auftragsverarbeiter nach Weisung für den Betreiber (Art. 28 DSGVO):</p>\n<ul>\n${items.join("\n")}\n</ul>\n`;
}

function thirdCountries(f: PrivacyFacts): string {
  const treff = "<p>Treff selbst sendet Ihre Daten nirgendwohin außer an die Teilnehmenden Ihrer Besprechung (die das, was Sie teilen, dort empfangen, wo sie gerade sind).</p>";
  switch (f.thirdCountries) {
    case "none":
      return `${treff}\n<p>Ihre Daten werden nicht in Länder außerhalb der Europäischen Union und des Europäischen Wirtschaftsraums übermittelt: Dieser Server${f.turnHosts.length ? ", der Relay-Server" : ""}${f.processors.length || f.hosting === "provider" ? " und die oben genannten Auftragsverarbeiter" : ""} verarbeiten sie in der EU bzw. im EWR.</p>`;
    case "listed": {
      const items = f.transfers.map(
        (t) => `<li><strong>${escapeHtml(t.recipient)}</strong> in ${escapeHtml(t.country)}, auf der Grundlage von: ${escapeHtml(t.safeguard.de)}</li>`,
      );
      return `${treff}\n<p>Daten werden an diese Empfänger außerhalb der Europäischen Union und des Europäischen Wirtschaftsraums übermittelt:</p>\n<ul>\n${items.join("\n")}\n</ul>`;
    }
    case "unknown":
      return `${treff}\n<p><strong>Der Betreiber hat nicht angegeben, ob dieser Server${f.turnHosts.length ? " und der Relay-Server" : ""} in der Europäischen Union oder im Europäischen Wirtschaftsraum betrieben werden.</strong> Fragen Sie den Betreiber.</p>`;
  }
}

export const GERMAN: PrivacyText = {
  title: "Datenschutzhinweise",
  languageName: "Deutsch",
  languageLabel: "Sprache",
  home: "Zur Startseite von Treff",
  body: (f) => `<p>Diese Seite informiert Sie nach Artikel 13 der Datenschutz-Grundverordnung (DSGVO) darüber, was mit Ihren Daten geschieht, wenn Sie auf diesem Server an einer Besprechung teilnehmen. Sie wird aus der Konfiguration des Servers erzeugt und beschreibt ihn so, wie er gerade läuft; was Treff selbst nicht wissen kann, hat der Betreiber in dieser Konfiguration angegeben, oder die Seite sagt, dass es fehlt.</p>

<h2>Wer verantwortlich ist</h2>
${responsible(f.operator)}

<h2>Welche Daten verarbeitet werden und wozu</h2>
<ul>
<li><strong>Ihre Verbindungsadresse</strong> (IP-Adresse), solange Sie verbunden sind: Ohne sie kann Ihr Browser den Server nicht erreichen. Treff nutzt sie nur für die Netzwerkverbindung und protokolliert sie nicht. ${proxyLog(f.proxyLogs)} Geben Sie ein falsches Besprechungspasswort ein, zählt der Server die Fehlversuche je Adresse etwa eine Minute lang im Arbeitsspeicher, damit Passwörter nicht erraten werden können.</li>
<li><strong>Der Name, den Sie eingeben.</strong> Die anderen in der Besprechung sehen ihn${f.lobby ? "; solange Sie im Warteraum warten, sehen ihn dort die Moderierenden" : ""}. Es muss nicht Ihr vollständiger Name sein.</li>
<li><strong>Ton und Bild</strong> von Mikrofon und Kamera und Ihr Bildschirm, wenn Sie ihn teilen, jeweils nur, solange sie eingeschaltet sind. Sie laufen über den Medienserver auf diesem Server zu den anderen Teilnehmenden. Ob Kamera und Mikrofon an sind, entscheiden Sie vor dem Beitreten, und Sie können beide jederzeit ausschalten.</li>
<li><strong>Chatnachrichten und Reaktionen.</strong> Der Server leitet sie an die Personen weiter, die gerade in der Besprechung sind, und speichert sie nicht.</li>
<li><strong>Der Zustand der Besprechung</strong>: wer teilnimmt, wer moderiert, ob Mikrofone und Kameras an sind, wer sich gemeldet hat. Er wird nur im Arbeitsspeicher gehalten.</li>
</ul>
<p>Mehr nicht: Sie brauchen weder ein Konto noch eine E-Mail-Adresse, und es gibt keine Cookies, kein Tracking, keine Analyse und keine Werbung.</p>
<p>Der einzige Zweck ist, die Besprechung durchzuführen, an der Sie teilnehmen. Nichts davon wird ausgewertet: weder wer sich wann und wie lange mit wem getroffen hat noch was gesagt wurde.</p>
<p>Sie sind nicht verpflichtet, Daten anzugeben; ohne Namen können Sie aber nicht beitreten. Ob Sie Kamera und Mikrofon nutzen, entscheiden Sie selbst. Es gibt keine automatisierte Entscheidungsfindung und kein Profiling.</p>

<h2>Rechtsgrundlage</h2>
${legalBasis(f)}

<h2>Was auf Ihrem Gerät bleibt</h2>
<p>Ihr Browser speichert nur auf Ihrem Gerät: den zuletzt eingegebenen Namen und die gewählte Sprache (bis Sie die Daten dieser Website löschen) und, wenn Sie moderieren, den Schlüssel des Moderationslinks der Besprechung, bis er abläuft (spätestens ${f.moderatorKeyDays} Tage nach der letzten Nutzung), die Besprechung endet oder Ihnen die Moderationsrechte entzogen werden. Solange der Tab offen ist, behält er außerdem ein Token, mit dem Sie nach dem Neuladen der Seite wieder in die Besprechung kommen.${
    f.endToEnd
      ? " Für die Ende-zu-Ende-Verschlüsselung behält er das Schlüsselpaar des Tabs, bis Sie die Besprechung verlassen, und löscht es spätestens nach 24 Stunden, wenn der Tab ohne Verlassen geschlossen wurde; den geheimen Teil kann niemand auslesen, auch nicht die Skripte dieser Website."
      : ""
  } An diesen Server geht davon nur etwas, wenn Sie einer Besprechung beitreten. Cookies werden nicht gesetzt. Enthält ein Besprechungslink eine Passphrase für die Ende-zu-Ende-Verschlüsselung (nach dem „#“), bleibt sie wie jede Adresse in der Adressleiste und im Verlauf Ihres Browsers; diesen Teil senden Browser nie an einen Server.</p>

<h2>Wie lange</h2>
<p>Nur für die Dauer der Besprechung. Wenn Sie gehen, vergisst der Server Ihren Namen und Ihre Verbindung; wenn die letzte Person gegangen ist, gibt es die Besprechung nicht mehr. Über Besprechungen und Teilnehmende wird nichts auf einem Datenträger gespeichert: Der Server kann Besprechungen nicht aufzeichnen, und es gibt weder einen Chatverlauf noch eine Teilnehmerliste. Eine Moderatorin oder ein Moderator kann eine Besprechung im eigenen Browser aufzeichnen, nie auf dem Server: Vorher werden alle gefragt, und wer ablehnt oder nicht antwortet, erscheint in der Aufzeichnung nur als Kachel mit Namen, ohne Bild und Ton; solange sie läuft, zeigt ein roter Hinweis sie an, und wer neu dazukommt, erfährt es vor dem Beitreten. Die Datei bleibt auf dem Gerät der aufzeichnenden Person; sie ist dafür verantwortlich (wozu, wer sie erhält, wann sie gelöscht wird) und muss Sie darüber informieren. Das Protokoll (Log) von Treff selbst hält technische Ereignisse fest (Start, Fehler), ohne Verbindungsadressen, Namen, Besprechungsnamen oder Nachrichteninhalte.${
    f.proxyLogs.policy === "addresses" ? ` Die Protokolle des Reverse Proxys mit Verbindungsadressen werden nach ${days(f.proxyLogs.days)} gelöscht.` : ""
  }${f.turnLogs?.policy === "addresses" ? ` Die Protokolle des Relay-Servers mit Verbindungsadressen werden nach ${days(f.turnLogs.days)} gelöscht.` : ""}</p>

<h2>Wer Ihre Daten erhält</h2>
<p>Die anderen Teilnehmenden Ihrer Besprechung sehen und hören, was Sie dort teilen: Ihren Namen, Ihr Bild, Ihren Ton, Ihren Bildschirm und Ihre Chatnachrichten. Treff gibt nichts an Dritte weiter und nutzt${
    f.iceHosts.length ? ", abgesehen von den unten genannten Verbindungsservern," : ""
  } keine fremden Dienste, also keine Analyse und keine Schriften oder Skripte von anderen Servern${f.iceHosts.length || f.turnHosts.length ? "" : ", auch keine fremden STUN- oder Relay-Server"}.</p>
${hosting(f)}
${processors(f)}${
    f.turnHosts.length && f.turnLogs
      ? `<p>Wenn Ihr Netz direkte Verbindungen sperrt, können Ton und Bild über einen Relay-Server (TURN) laufen, den der Betreiber dafür bereitstellt: ${strongList(f.turnHosts, "und")}. Der Relay-Server erfährt Ihre Verbindungsadresse und leitet die verschlüsselten Daten nur weiter; entschlüsseln kann er sie nicht. ${turnLog(f.turnLogs)}</p>\n`
      : ""
  }${
    f.iceHosts.length
      ? `<p>Außerdem nimmt Ihr Browser Kontakt zu diesen Verbindungsservern (STUN/TURN) auf, die der Betreiber eingetragen hat und die dabei Ihre Verbindungsadresse erfahren: ${strongList(f.iceHosts, "und")}.</p>\n`
      : ""
  }
<h2>Außerhalb von EU und EWR</h2>
${thirdCountries(f)}

<h2>Verschlüsselung</h2>
${
  f.endToEnd
    ? `<p>Ton, Bild und Chatnachrichten sind Ende-zu-Ende-verschlüsselt: Ihr Browser verschlüsselt sie, und nur die Browser der anderen Teilnehmenden können sie entschlüsseln. Dieser Server leitet sie weiter, kann sie aber nicht lesen. ${
        f.endToEndRequired
          ? "Ein Browser, der nicht Ende-zu-Ende verschlüsseln kann (eine alte Version), kann an keiner Besprechung auf diesem Server teilnehmen."
          : "Ein Browser, der nicht Ende-zu-Ende verschlüsseln kann (eine alte Version), wird allen in der Besprechung als „nicht Ende-zu-Ende-verschlüsselt“ angezeigt, und Moderierende können solche Browser ausschließen."
      } Wer teilnimmt und wann, erfährt der Server weiterhin. Auch die Verbindung zu diesem Server ist verschlüsselt: Ton und Bild mit DTLS-SRTP, die Seite und die Steuerverbindung der Besprechung mit HTTPS, sofern der Betreiber es eingerichtet hat (dann zeigt die Adressleiste Ihres Browsers ein Schloss).</p>`
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
<li>Datenübertragbarkeit: die Daten, die Sie bereitgestellt haben, in einem strukturierten, gängigen und maschinenlesbaren Format zu erhalten und einem anderen übermitteln zu lassen, soweit die Verarbeitung auf einem Vertrag oder Ihrer Einwilligung beruht (Art. 20),</li>
<li>Widerspruch gegen eine Verarbeitung, die auf einer öffentlichen Aufgabe oder berechtigten Interessen beruht (Art. 21).</li>
</ul>
<p>Wenden Sie sich dafür an die oben genannte verantwortliche Stelle. Da der Server nach der Besprechung nichts behält, gibt es danach in der Regel nichts mehr, worüber Auskunft zu geben, was zu löschen oder zu übertragen wäre. Während einer Besprechung berichtigen Sie Ihren Namen, indem Sie die Besprechung verlassen und mit dem richtigen Namen wieder beitreten; mit dem Verlassen werden Ihre Daten auf dem Server gelöscht.</p>
<p>Außerdem haben Sie das Recht, sich bei einer Datenschutz-Aufsichtsbehörde zu beschweren (Art. 77 DSGVO), insbesondere in dem EU-Mitgliedstaat, in dem Sie leben oder arbeiten oder in dem der mutmaßliche Verstoß stattfand.</p>${
    f.notes.de ? `\n\n<h2>Weitere Hinweise des Betreibers</h2>\n${paragraphsHtml(f.notes.de)}` : ""
  }`,
};
