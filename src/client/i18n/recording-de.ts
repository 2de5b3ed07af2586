/** Deutsche Texte der Aufzeichnung mit Einwilligung (Issue 16; in de.ts eingefügt). */
import type { recordingEn } from "./recording-en.js";

export const recordingDe: Record<keyof typeof recordingEn, string> = {
  recStart: "Besprechung aufzeichnen",
  recStop: "Aufzeichnung beenden",
  recIndicator: "Diese Besprechung wird aufgezeichnet",
  recIndicatorShort: "Aufzeichnung läuft",
  recIndicatorMine: "Sie zeichnen auf: {agreed} eingewilligt, {declined} abgelehnt",
  recConsentTitle: "Aufzeichnung",
  recConsentAsk: "{name} möchte diese Besprechung aufzeichnen.",
  recConsentExplain: "Die Aufzeichnung entsteht im Browser von {name} und wird nur dort gespeichert. Wenn Sie ablehnen, erscheinen Sie darin nur als Kachel mit Ihrem Namen, ohne Bild und Ton.",
  recAgree: "Einwilligen",
  recDecline: "Ablehnen",
  recYouAgreed: "Sie haben der Aufzeichnung zugestimmt.",
  recYouDeclined: "Sie werden nicht aufgezeichnet.",
  recChangeAnswer: "Antwort ändern",
  recStarted: "{name} hat die Aufzeichnung der Besprechung gestartet.",
  recStartedMine: "Die Aufzeichnung läuft. Alle werden um Einwilligung gebeten; bis dahin erscheinen sie ohne Bild und Ton.",
  recStopped: "Die Aufzeichnung wurde beendet.",
  recSaved: "Die Aufzeichnung wurde beendet und auf diesem Gerät gespeichert: {file}",
  recBeforeJoining: "Diese Besprechung wird aufgezeichnet. Beim Beitreten werden Sie um Ihre Einwilligung gebeten; wenn Sie ablehnen, erscheinen Sie darin nur mit Ihrem Namen, ohne Bild und Ton.",
  recUnsupported: "Dieser Browser kann keine Besprechungen aufzeichnen.",
};
