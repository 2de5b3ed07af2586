/**
 * The UI language: German or English, from the browser's preferences unless
 * the person picked one (kept in localStorage). Components never contain
 * text; they call t(key).
 */
import { de } from "./de.js";
import { en, type MessageKey } from "./en.js";

export type Language = "en" | "de";
export type { MessageKey };
const catalogues: Record<Language, Record<MessageKey, string>> = { en, de };
const STORAGE_KEY = "treff.language";

export function preferredLanguage(languages: readonly string[], stored: string | null): Language {
  if (stored === "de" || stored === "en") return stored;
  for (const tag of languages) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "de" || base === "en") return base;
  }
  return "en";
}

let current: Language = preferredLanguage(
  typeof navigator === "undefined" ? [] : navigator.languages,
  typeof localStorage === "undefined" ? null : localStorage.getItem(STORAGE_KEY),
);

export function language(): Language {
  return current;
}

export function setLanguage(next: Language): void {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
}

/** The text for `key` in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  return catalogues[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}
