/**
 * What deserves a notice (a toast) when the participant list or the lobby
 * changes: a hand going up, a screen share starting, someone knocking.
 * Pure functions over two snapshots, unit-tested; the meeting screen shows them.
 */
import type { LobbyEntry, Participant } from "../../protocol/messages.js";

export type Notice = { kind: "hand"; name: string } | { kind: "share"; name: string };

/**
 * The notices between two lists of the other participants. Nothing for the
 * first list after a (re)join: hands that were up already are not news.
 */
export function participantNotices(before: readonly Participant[] | undefined, after: readonly Participant[]): Notice[] {
  if (!before) return [];
  const previous = new Map(before.map((p) => [p.id, p]));
  const notices: Notice[] = [];
  for (const p of after) {
    const was = previous.get(p.id);
    if (p.hand !== null && (was?.hand ?? null) === null) notices.push({ kind: "hand", name: p.name });
    if (p.screen && !was?.screen) notices.push({ kind: "share", name: p.name });
  }
  return notices;
}

/** Who is waiting in the lobby now and was not before, in the order they knocked. */
export function newlyWaiting(before: readonly LobbyEntry[], after: readonly LobbyEntry[]): LobbyEntry[] {
  const known = new Set(before.map((entry) => entry.id));
  return after.filter((entry) => !known.has(entry.id));
}
