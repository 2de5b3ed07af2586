/**
 * What the browser keeps, on the person's own device only: the resume token
 * of the current tab (sessionStorage, gone with the tab), whether the person
 * last chose to have microphone and camera on, and, for moderators, their
 * moderator key (localStorage) until it expires, the meeting ends or their
 * rights are taken away, so the device keeps no list of the meetings it
 * once moderated.
 */
import type { RoomName } from "../protocol/messages.js";

/** The moderator key for a room: from the moderator link's fragment, or kept from before (if still valid). */
export function moderatorKeyFor(room: RoomName): string | undefined {
  forgetExpiredModeratorKeys();
  const fromLink = /(?:^#|&)moderator=([A-Za-z0-9_.-]+)/.exec(location.hash)?.[1];
  if (fromLink) {
    rememberModeratorKey(room, fromLink);
    // The fragment never reaches the server; drop it from the address bar so a copied guest link does not carry it.
    const rest = location.hash.slice(1).split("&").filter((part) => !part.startsWith("moderator="));
    history.replaceState(null, "", location.pathname + location.search + (rest.length ? `#${rest.join("&")}` : ""));
  }
  return fromLink ?? localStorage.getItem(moderatorStorageKey(room)) ?? undefined;
}

/**
 * The E2EE passphrase from the link's fragment (`#passphrase=…`), which the browser never
 * sends to the server. It stays in the address bar: whoever gets the link gets the passphrase.
 */
export function passphraseFromLink(): string | undefined {
  const value = /(?:^#|&)passphrase=([^&]+)/.exec(location.hash)?.[1];
  try {
    return value ? decodeURIComponent(value) : undefined;
  } catch {
    return value;
  }
}

const MODERATOR_PREFIX = "treff.moderator.";
const moderatorStorageKey = (room: RoomName) => `${MODERATOR_PREFIX}${room}`;

/**
 * Until when a moderator key is valid, ms since 1970, as the key itself says (its payload's `e`,
 * docs/security.md); 0 for anything unreadable, such as a key of the old format.
 */
export function moderatorKeyExpiry(key: string): number {
  try {
    const payload = key.split(".")[1] ?? "";
    const json = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { e?: unknown };
    return typeof json.e === "number" ? json.e * 1000 : 0;
  } catch {
    return 0;
  }
}

/** Removes every kept moderator key that has expired (run at every page load). */
export function forgetExpiredModeratorKeys(now = Date.now()): void {
  for (let i = localStorage.length - 1; i >= 0; i--) {
    const name = localStorage.key(i);
    if (!name?.startsWith(MODERATOR_PREFIX)) continue;
    if (moderatorKeyExpiry(localStorage.getItem(name) ?? "") <= now) localStorage.removeItem(name);
  }
}

/** The key is no good any more (rights taken away, meeting ended, refused): the device forgets it. */
export function forgetModeratorKey(room: RoomName): void {
  localStorage.removeItem(moderatorStorageKey(room));
}

/** Kept in sessionStorage so a reload comes back as the same participant. */
export interface SavedSession {
  name: string;
  resumeToken?: string;
}

const sessionKey = (room: RoomName) => `treff.session.${room}`;

export function savedSession(room: RoomName): SavedSession | undefined {
  try {
    const raw = sessionStorage.getItem(sessionKey(room));
    return raw ? (JSON.parse(raw) as SavedSession) : undefined;
  } catch {
    return undefined;
  }
}

export function rememberModeratorKey(room: RoomName, key: string): void {
  localStorage.setItem(moderatorStorageKey(room), key);
}

export function saveSession(room: RoomName, session: SavedSession): void {
  sessionStorage.setItem(sessionKey(room), JSON.stringify(session));
}

export function forgetSession(room: RoomName): void {
  sessionStorage.removeItem(sessionKey(room));
}

export type DeviceKind = "audio" | "video";

const deviceKey = (kind: DeviceKind) => `treff.${kind === "audio" ? "microphone" : "camera"}On`;

/** Whether the person last switched the microphone or camera on (true) or off (false) on this device; undefined: never chose. */
export function rememberedDeviceChoice(kind: DeviceKind): boolean | undefined {
  try {
    const value = localStorage.getItem(deviceKey(kind));
    return value === "true" ? true : value === "false" ? false : undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the person's own choice (never a moderator's mute), so the next meeting starts the same way. */
export function rememberDeviceChoice(kind: DeviceKind, on: boolean): void {
  try {
    localStorage.setItem(deviceKey(kind), String(on));
  } catch {
    // Storage may be off (private mode, full): then the choice is not kept, and nothing else changes.
  }
}

const VIDEO_EFFECT_KEY = "treff.videoEffect";

/** The background effect the person last chose on this device ("none", "blur-light", "image-dawn"…; video-effect.ts). */
export function rememberedVideoEffect(): string | undefined {
  try {
    return localStorage.getItem(VIDEO_EFFECT_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function rememberVideoEffect(id: string): void {
  try {
    localStorage.setItem(VIDEO_EFFECT_KEY, id);
  } catch {
    // Not kept where storage is off; the effect still applies for this page.
  }
}

const NOISE_SUPPRESSION_KEY = "treff.noiseSuppression";

/** Whether the person last switched noise suppression on (true) or off (false) on this device; undefined: never chose. */
export function rememberedNoiseSuppression(): boolean | undefined {
  try {
    const value = localStorage.getItem(NOISE_SUPPRESSION_KEY);
    return value === "on" ? true : value === "off" ? false : undefined;
  } catch {
    return undefined;
  }
}

export function rememberNoiseSuppression(on: boolean): void {
  try {
    localStorage.setItem(NOISE_SUPPRESSION_KEY, on ? "on" : "off");
  } catch {
    // Not kept where storage is off; the choice still applies for this page.
  }
}
