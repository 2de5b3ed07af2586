/**
 * What this server's privacy information rests on, read from the running
 * configuration: the privacy page (/privacy) and the compliance kit
 * (src/compliance/) say nothing that is not here or a tested property of Treff.
 */
import type { Config } from "./config.js";
import type { LegalBasis, LocalText, LogPolicy, Processor, Transfer } from "./privacy-config.js";

export type PageLanguage = "de" | "en";

/** What a log-writing server records, as declared, with the retention when it keeps addresses. */
export interface LogDeclaration {
  policy: LogPolicy;
  /** Days until logs with addresses are deleted (declared with policy "addresses"). */
  days?: number;
}

export interface PrivacyFacts {
  operator: { name: string; contact: string; dataProtectionOfficer: string };
  /** The operator filled in neither a name nor a contact, or only one of them. */
  operatorIncomplete: boolean;
  /** Guests wait in a lobby (a moderator sees their name there). */
  lobby: boolean;
  /** Hosts of the operator's TURN relays (config.turn.urls). */
  turnHosts: string[];
  /** Hosts of other STUN/TURN servers browsers are told to use (config.iceServers). */
  iceHosts: string[];
  /** Browsers encrypt audio, video and chat end to end (config.meetings.e2ee; docs/e2ee.md). */
  endToEnd: boolean;
  /** Every meeting admits only browsers that encrypt end to end (TREFF_E2EE=required). */
  endToEndRequired: boolean;
  /** How long a meeting creator's moderator key stays valid, in days (renewed at each use). */
  moderatorKeyDays: number;
  /** Microphone and camera start off on the pre-join screen (config.meetings.mediaOffByDefault). */
  mediaOffByDefault: boolean;
  /** The operator's TURN credentials' lifetime, in seconds. */
  turnCredentialSeconds: number;
  legalBasis: LegalBasis[];
  legitimateInterests: LocalText;
  healthData: boolean;
  hosting: "own" | "provider" | "unknown";
  hostingProvider: string;
  processors: Processor[];
  /** "none": declared that nothing leaves the EU/EEA; "listed": the transfers below; "unknown": not declared. */
  thirdCountries: "none" | "listed" | "unknown";
  transfers: Transfer[];
  proxyLogs: LogDeclaration;
  /** What the operator's TURN relays log; undefined when there are none. */
  turnLogs: LogDeclaration | undefined;
  notes: LocalText;
}

export function privacyFacts(config: Config): PrivacyFacts {
  const privacy = config.privacy;
  const operator = {
    name: config.operator.name.trim(),
    contact: config.operator.contact.trim(),
    dataProtectionOfficer: config.operator.dataProtectionOfficer.trim(),
  };
  const turnHosts = uniqueHosts(config.turn.urls);
  return {
    operator,
    operatorIncomplete: !operator.name || !operator.contact,
    lobby: config.meetings.lobby,
    turnHosts,
    iceHosts: uniqueHosts(config.iceServers.flatMap((s) => s.urls)).filter((h) => !turnHosts.includes(h)),
    endToEnd: config.meetings.e2ee === true,
    endToEndRequired: config.meetings.e2eeRequired === true,
    moderatorKeyDays: config.meetings.moderatorKeyDays,
    mediaOffByDefault: config.meetings.mediaOffByDefault,
    turnCredentialSeconds: config.turn.ttlSeconds,
    legalBasis: privacy.legalBasis,
    legitimateInterests: privacy.legitimateInterests,
    healthData: privacy.healthData,
    hosting: privacy.hosting,
    hostingProvider: privacy.hostingProvider,
    processors: privacy.processors,
    thirdCountries: privacy.transfers.length > 0 ? "listed" : privacy.thirdCountries,
    transfers: privacy.transfers,
    proxyLogs: { policy: privacy.proxyLogs, days: privacy.proxyLogDays },
    turnLogs: turnHosts.length ? { policy: privacy.turnLogs, days: privacy.turnLogDays } : undefined,
    notes: privacy.notes,
  };
}

/** The host of a STUN/TURN URL (`turn:host:port?transport=udp`), for the reader. */
function iceHost(url: string): string {
  const match = /^(?:stuns?|turns?):(\[[^\]]*\]|[^:?/]+)/i.exec(url.trim());
  return match?.[1] ?? url.trim();
}

function uniqueHosts(urls: readonly string[]): string[] {
  return [...new Set(urls.map(iceHost).filter(Boolean))];
}
