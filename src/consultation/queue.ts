/**
 * The practice's waiting queue: one for all its staff, in order of arrival. Pure data and rules;
 * the hub (hub.ts) does the sending. A patient called in leaves the queue, so they vanish from
 * every staff member's list at once; a patient only ever learns their own place.
 */
import type { QueueEntry } from "../protocol/consultation.js";

export interface Waiting extends QueueEntry {
  appointmentId: string;
}

export class PracticeQueue {
  private readonly waiting: Waiting[] = [];

  get size(): number {
    return this.waiting.length;
  }

  /** Adds a patient; one who comes back (their call's staff side dropped) keeps their place by `since`. */
  add(entry: Waiting): void {
    const at = this.waiting.findIndex((w) => w.since > entry.since);
    if (at === -1) this.waiting.push(entry);
    else this.waiting.splice(at, 0, entry);
  }

  /** Takes a waiting patient out of the queue (called in, or gone); undefined if they no longer wait. */
  take(id: string): Waiting | undefined {
    const at = this.waiting.findIndex((w) => w.id === id);
    return at === -1 ? undefined : this.waiting.splice(at, 1)[0];
  }

  /** A patient's place, counting from 1; undefined if they do not wait. */
  position(id: string): number | undefined {
    const at = this.waiting.findIndex((w) => w.id === id);
    return at === -1 ? undefined : at + 1;
  }

  /** What staff see, without the appointment's internal id. */
  entries(): QueueEntry[] {
    return this.waiting.map(({ appointmentId: _, ...entry }) => entry);
  }

  ids(): string[] {
    return this.waiting.map((w) => w.id);
  }
}
