/**
 * When the queue tells a staff member that someone new waits. Outside a call: a short notice, and
 * a chime if they switched it on. In a call: nothing that sounds or pops up (the doctor is not
 * disturbed, Anlage 31b); only the count in the call screen and the tab title changes. A patient
 * put back on hold comes back with the same id and is no newcomer. Pure logic (unit-tested).
 */
import type { QueueEntry } from "../../protocol/messages.js";

export interface ArrivalAlert {
  /** Patients who started waiting since the last list. */
  newcomers: QueueEntry[];
  notice: boolean;
  sound: boolean;
}

export class ArrivalWatch {
  private readonly seen = new Set<string>();
  private first = true;

  /** What to do about a new list. The first list (the page just opened) is no news. */
  update(patients: readonly QueueEntry[], inCall: boolean, soundOn: boolean): ArrivalAlert {
    const newcomers = this.first ? [] : patients.filter((p) => !this.seen.has(p.id));
    this.first = false;
    for (const p of patients) this.seen.add(p.id);
    const tell = newcomers.length > 0 && !inCall;
    return { newcomers, notice: tell, sound: tell && soundOn };
  }
}

/** The tab's title: how many wait, first, so a staff member sees it from another tab too. */
export function queueTitle(practice: string, waitingText: string | undefined): string {
  return waitingText ? `${waitingText} – ${practice}` : practice;
}
