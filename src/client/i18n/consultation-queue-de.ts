/** Deutsche Texte zu Warteschlange und Terminen der Videosprechstunde (in de.ts eingefügt). */
import type { consultationQueueEn } from "./consultation-queue-en.js";

export const consultationQueueDe: Record<keyof typeof consultationQueueEn, string> = {
  cHold: "Zurück ins Wartezimmer",
  cHoldFor: "Zurück ins Wartezimmer: {who}",
  cHeldTitle: "Sie sind wieder im Wartezimmer",
  cHeldHint: "Die Praxis ruft Sie gleich wieder auf. Bitte lassen Sie diese Seite geöffnet.",
  cArrived: "{who} wartet jetzt",
  cPatientSound: "Ton, wenn jemand zu warten beginnt (nie während eines Gesprächs)",
  cIcsButton: "Kalenderdatei (.ics)",
  cIcsWithLabel: "Bezeichnung in die Kalenderdatei übernehmen",
  cIcsFileName: "videosprechstunde.ics",
  cIcsSummary: "Videosprechstunde: {practice}",
  cIcsDescription: "Öffnen Sie zu Ihrem Termin diesen Link: {link}\nOder geben Sie den Code {code} unter {base}/sprechstunde ein.",
};
