/** Deutsche Texte des Sprechstunden-Gesprächs (Ende-zu-Ende-Verschlüsselung, Bildschirmfreigabe, eine dritte Person); in de.ts eingefügt. */
import type { callEn } from "./call-en.js";

export const callDe: Record<keyof typeof callEn, string> = {
  cRemoteScreen: "Bildschirm der Gegenseite",
  cYouShare: "Sie teilen Ihren Bildschirm mit der Gegenseite.",
  cVerified: "{name}: überprüft",
  // A third person (docs/consultation.md)
  cInvite: "Person hinzufügen",
  cInviteTitle: "Dritte Person hinzufügen",
  cInviteHint: "Senden Sie diesen Link an eine Dolmetscherin, einen Dolmetscher oder eine angehörige Person. Sobald sie eingewilligt hat, läuft das Gespräch über den Medienserver dieser Praxis weiter, weiterhin Ende-zu-Ende-verschlüsselt, und wieder direkt, sobald sie geht.",
  cInviteLink: "Link für die dritte Person",
  cCopyLink: "Link kopieren",
  cInviteUntil: "Gilt bis {time} Uhr und nur während dieses Gesprächs.",
  cTermsThird: "Nimmt die Praxis während des Gesprächs eine dritte Person hinzu (zum Dolmetschen, eine angehörige Person), gehen Bild und Ton, solange sie teilnimmt, über den eigenen Medienserver der Praxis, weiterhin Ende-zu-Ende-verschlüsselt: Der Server leitet sie weiter, ohne sie sehen oder hören zu können.",
  cThirdFailed: "Die dritte Person konnte nicht hinzukommen: Der Medienserver hat nicht geantwortet. Ihr Gespräch läuft wie bisher weiter.",
  cGuestFailed: "Der Sprechstunde konnte nicht beigetreten werden: Der Medienserver hat nicht geantwortet. Bitte versuchen Sie es gleich noch einmal.",
  cGuestIncomplete: "Dieser Link ist unvollständig. Bitte lassen Sie ihn sich von der Praxis noch einmal schicken.",
  cGuestTitle: "An einer Videosprechstunde teilnehmen",
  cGuestIntro: "{practice} lädt Sie zu einer laufenden Videosprechstunde ein, zum Beispiel zum Dolmetschen oder als angehörige Person.",
  cGuestName: "Ihr Name (die anderen sehen ihn)",
  cGuestNameNeeded: "Bitte geben Sie Ihren Namen ein.",
  cGuestConsent: "Ich willige ein, an dieser Videosprechstunde teilzunehmen, und habe die Nutzungsbedingungen und die Datenschutzhinweise gelesen.",
  cGuestJoin: "Der Sprechstunde beitreten",
  cGuestNoE2ee: "Dieser Browser kann das Gespräch nicht Ende-zu-Ende verschlüsseln, was diese Sprechstunde verlangt. Bitte öffnen Sie den Link in einem aktuellen Chrome, Edge, Firefox oder Safari.",
  cGuestConnecting: "Verbindung zur Sprechstunde wird hergestellt …",
  cGuestLeft: "Sie haben die Sprechstunde verlassen",
  cGuestInvalid: "Diese Einladung kann nicht verwendet werden: {reason}",
};
