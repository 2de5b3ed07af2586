/** Deutsche Texte des Sprechstunden-Gesprächs (Ende-zu-Ende-Verschlüsselung, Bildschirmfreigabe, eine dritte Person); in de.ts eingefügt. */
import type { callEn } from "./call-en.js";

export const callDe: Record<keyof typeof callEn, string> = {
  cRemoteScreen: "Bildschirm der Gegenseite",
  cYouShare: "Sie teilen Ihren Bildschirm mit der Gegenseite.",
  cVerified: "{name}: überprüft",
};
