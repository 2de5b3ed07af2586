/**
 * What the operator declares for the privacy page (/privacy) and the
 * compliance kit (`npm run compliance`): the legal basis, who else processes
 * data (hosting provider, processors), whether data leaves the EU/EEA, and
 * what their reverse proxy and TURN server log. Treff cannot find any of this
 * out itself, so every field has a "not declared" default, for which the page
 * words its statements cautiously and the kit lists the gap as a task.
 *
 * Part of the one configuration (config.ts, field `privacy`); the environment
 * variables are listed there with the others.
 */
import { z } from "zod";
import { Flag, StringList, WholeNumber } from "./config-values.js";

/** JSON from an environment variable (a list of objects), or the value itself from the file. */
function jsonFromText<T extends z.ZodType>(schema: T) {
  return z.preprocess((value, context) => {
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      context.addIssue({ code: "custom", message: "expected a JSON list, e.g. [{\"name\": \"…\", …}]" });
      return z.NEVER;
    }
  }, schema);
}

/**
 * A text the operator writes per language: `{"de": "…", "en": "…"}`, or one
 * string for both. A language left empty shows the other one's text.
 */
export const LocalText = z
  .union([z.string().transform((s) => ({ de: s, en: s })), z.object({ de: z.string().default(""), en: z.string().default("") })], {
    error: 'expected a text, or one per language: {"de": "…", "en": "…"}',
  })
  .transform((t) => ({ de: t.de.trim() || t.en.trim(), en: t.en.trim() || t.de.trim() }));
export type LocalText = z.infer<typeof LocalText>;

/** The legal bases of Art. 6(1) GDPR a video meeting can rest on (a: consent, is not one Treff can collect). */
export const LEGAL_BASES = ["contract", "public-task", "legitimate-interests"] as const;
export type LegalBasis = (typeof LEGAL_BASES)[number];

/**
 * What a log-writing server in front of or beside Treff records about participants:
 *  none                    — nothing per request or connection;
 *  errors-without-address  — errors only, without client address or requested path;
 *  addresses               — requests or sessions with the client address (then the retention in days is required);
 *  unknown                 — not declared (the default): the page says so, and what such servers log by default.
 */
export const LOG_POLICIES = ["none", "errors-without-address", "addresses", "unknown"] as const;
export type LogPolicy = (typeof LOG_POLICIES)[number];

const LegalBasisList = StringList.pipe(z.array(z.enum(LEGAL_BASES, { message: `choose from ${LEGAL_BASES.join(", ")}` })));

const Processor = z.object({
  /** Name (and, best, address) of the company or body. */
  name: z.string().trim().min(1, "name the processor"),
  /** What it does for the operator, e.g. {"en": "IT support", "de": "IT-Betreuung"}. */
  purpose: LocalText.refine((t) => t.en !== "", "say what the processor does"),
  /** Where it processes the data, e.g. "Germany". Empty: not stated. */
  country: z.string().trim().default(""),
});
export type Processor = z.infer<typeof Processor>;

const Transfer = z.object({
  recipient: z.string().trim().min(1, "name the recipient"),
  country: z.string().trim().min(1, "name the country"),
  /** The legal instrument (Art. 45–49 GDPR), e.g. "adequacy decision" or "standard contractual clauses". */
  safeguard: LocalText.refine((t) => t.en !== "", "name the safeguard (Art. 45–49 GDPR)"),
});
export type Transfer = z.infer<typeof Transfer>;

export const PrivacyConfig = z
  .object({
    /** Art. 6(1) GDPR: (b) contract, (e) public task, (f) legitimate interests. Empty: not declared. */
    legalBasis: LegalBasisList.default([]),
    /** With legitimate-interests: the interests pursued (Art. 13(1)(d) GDPR). */
    legitimateInterests: LocalText.default({ de: "", en: "" }),
    /** Health data is processed (video consultations): Art. 9(2)(h) GDPR applies as well. */
    healthData: Flag.default(false),
    /** Where the server runs: the operator's own equipment, a hosting provider's, or not declared. */
    hosting: z.enum(["own", "provider", "unknown"]).optional(),
    /** The hosting provider (name and address), a processor under Art. 28 GDPR. Implies hosting "provider". */
    hostingProvider: z.string().trim().default(""),
    /** Other processors (IT support, a TURN service, …). */
    processors: jsonFromText(z.array(Processor)).default([]),
    /** "none": no data leaves the EU/EEA through the operator's setup. "unknown": not declared. */
    thirdCountries: z.enum(["none", "unknown"]).default("unknown"),
    /** Transfers outside the EU/EEA the operator knows of, each with its safeguard. */
    transfers: jsonFromText(z.array(Transfer)).default([]),
    /** What the TLS reverse proxy in front of Treff logs (docs/operations.md shows configurations for each). */
    proxyLogs: z.enum(LOG_POLICIES).default("unknown"),
    /** With proxyLogs "addresses": after how many days those logs are deleted. */
    proxyLogDays: WholeNumber.pipe(z.number().min(1)).optional(),
    /** What the TURN server (coturn) logs. */
    turnLogs: z.enum(LOG_POLICIES).default("unknown"),
    /** With turnLogs "addresses": after how many days those logs are deleted. */
    turnLogDays: WholeNumber.pipe(z.number().min(1)).optional(),
    /** Free text the operator adds to the privacy page, per language (paragraphs separated by a blank line). */
    notes: LocalText.default({ de: "", en: "" }),
  })
  .superRefine((p, context) => {
    const problem = (path: string, message: string) => context.addIssue({ code: "custom", path: [path], message });
    if (p.legalBasis.includes("legitimate-interests") && !p.legitimateInterests.en) {
      problem("legitimateInterests", "legal basis legitimate-interests needs the interests pursued (Art. 13(1)(d) GDPR)");
    }
    if (p.hosting === "provider" && !p.hostingProvider) problem("hostingProvider", "hosting 'provider' needs the provider's name");
    if (p.hosting === "own" && p.hostingProvider) problem("hostingProvider", "hosting 'own' and a hosting provider contradict each other");
    if (p.hosting === "unknown" && p.hostingProvider) problem("hosting", "a hosting provider is named: hosting is 'provider'");
    if (p.thirdCountries === "none" && p.transfers.length > 0) problem("transfers", "thirdCountries 'none' contradicts the transfers listed");
    if (p.proxyLogs === "addresses" && p.proxyLogDays === undefined) problem("proxyLogDays", "proxy logs with addresses need their retention in days");
    if (p.turnLogs === "addresses" && p.turnLogDays === undefined) problem("turnLogDays", "TURN logs with addresses need their retention in days");
  })
  .transform((p) => ({ ...p, hosting: p.hosting ?? (p.hostingProvider ? ("provider" as const) : ("unknown" as const)) }));
export type PrivacyConfig = z.infer<typeof PrivacyConfig>;

/** Environment variables for the privacy fields (paths below `privacy`). */
export const PRIVACY_ENVIRONMENT: Record<string, string[]> = {
  TREFF_LEGAL_BASIS: ["legalBasis"],
  TREFF_LEGITIMATE_INTERESTS_DE: ["legitimateInterests", "de"],
  TREFF_LEGITIMATE_INTERESTS_EN: ["legitimateInterests", "en"],
  TREFF_HEALTH_DATA: ["healthData"],
  TREFF_HOSTING: ["hosting"],
  TREFF_HOSTING_PROVIDER: ["hostingProvider"],
  TREFF_PROCESSORS: ["processors"],
  TREFF_THIRD_COUNTRIES: ["thirdCountries"],
  TREFF_TRANSFERS: ["transfers"],
  TREFF_PROXY_LOGS: ["proxyLogs"],
  TREFF_PROXY_LOG_DAYS: ["proxyLogDays"],
  TREFF_TURN_LOGS: ["turnLogs"],
  TREFF_TURN_LOG_DAYS: ["turnLogDays"],
  TREFF_PRIVACY_NOTES_DE: ["notes", "de"],
  TREFF_PRIVACY_NOTES_EN: ["notes", "en"],
};
