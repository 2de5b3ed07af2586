/**
 * The privacy page (/privacy): the information Art. 13 GDPR asks for, in
 * German and English, generated from the running configuration, so it
 * states what this server does and who runs it, not what a template hoped.
 * What Treff cannot know (the legal basis, the hosting provider, what the
 * reverse proxy and the TURN server log, where data goes) the operator
 * declares (privacy-config.ts); where nothing is declared, the page says so.
 *
 * Static HTML: no script and no inline style (the CSP forbids both); every
 * configured value goes through escapeHtml (privacy-html.ts). The texts are
 * in privacy-text-en.ts and privacy-text-de.ts; docs/privacy.md backs each
 * sentence with the code and the test that prove it.
 */
import type { Config } from "./config.js";
import { privacyFacts, type PageLanguage, type PrivacyFacts } from "./privacy-facts.js";
import { ENGLISH } from "./privacy-text-en.js";
import { GERMAN } from "./privacy-text-de.js";

export type { PageLanguage } from "./privacy-facts.js";
export { contactHtml, escapeHtml } from "./privacy-html.js";

/** One language's page: its fixed words and its body, written from the facts. */
export interface PrivacyText {
  title: string;
  languageName: string;
  languageLabel: string;
  home: string;
  body(facts: PrivacyFacts): string;
}

const PAGES: Record<PageLanguage, PrivacyText> = { en: ENGLISH, de: GERMAN };

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
