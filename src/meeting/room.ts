/**
 * A room's membership as plain data, and what each change tells whom.
 *
 * No sockets, no media server: every method returns the deliveries the
 * caller must send. The I/O around it lives in src/server/live-room.ts.
 */
import type { Participant, ParticipantId, ServerMessage } from "../protocol/messages.js";

/** One message for one participant. */
export interface Delivery {
  to: ParticipantId;
  message: ServerMessage;
}

export class Room {
  /** In order of arrival (Map keeps insertion order). */
  private readonly members = new Map<ParticipantId, Participant>();

  get size(): number {
    return this.members.size;
  }

  get isEmpty(): boolean {
    return this.members.size === 0;
  }

  has(id: ParticipantId): boolean {
    return this.members.has(id);
  }

  get(id: ParticipantId): Participant | undefined {
    const p = this.members.get(id);
    return p && { ...p };
  }

  /** Everyone in the room, in order of arrival. */
  list(): Participant[] {
    return [...this.members.values()].map((p) => ({ ...p }));
  }

  /**
   * Adds a participant. The newcomer learns who is here (through the
   * caller's `joined`); everyone else learns about the newcomer.
   */
  add(id: ParticipantId, name: string): { others: Participant[]; deliveries: Delivery[] } {
    if (this.members.has(id)) throw new Error(`participant ${id} is already in the room`);
    const others = this.list();
    const participant: Participant = { id, name, audio: true, video: true, publishing: false };
    this.members.set(id, participant);
    return { others, deliveries: this.toOthers(id, { type: "participantJoined", participant: { ...participant } }) };
  }

  /** Removes a participant; the others are told. Removing someone absent does nothing. */
  remove(id: ParticipantId): Delivery[] {
    if (!this.members.delete(id)) return [];
    return this.toOthers(id, { type: "participantLeft", participantId: id });
  }

  /** Changes what a participant sends; the others are told if anything changed. */
  update(id: ParticipantId, change: Partial<Pick<Participant, "audio" | "video" | "publishing">>): Delivery[] {
    const current = this.members.get(id);
    if (!current) return [];
    const next = { ...current, ...change };
    if (next.audio === current.audio && next.video === current.video && next.publishing === current.publishing) return [];
    this.members.set(id, next);
    return this.toOthers(id, { type: "participantUpdated", participant: { ...next } });
  }

  /** The ids among `wanted` that are in the room and publishing, and those that are not in the room. */
  resolveSubscription(
    subscriber: ParticipantId,
    wanted: readonly ParticipantId[],
  ): { publishing: ParticipantId[]; unknown: ParticipantId[] } {
    const publishing: ParticipantId[] = [];
    const unknown: ParticipantId[] = [];
    for (const id of new Set(wanted)) {
      const p = this.members.get(id);
      if (!p || id === subscriber) unknown.push(id);
      else if (p.publishing) publishing.push(id);
    }
    return { publishing, unknown };
  }

  private toOthers(except: ParticipantId, message: ServerMessage): Delivery[] {
    return [...this.members.keys()].filter((id) => id !== except).map((to) => ({ to, message }));
  }
}
