/**
 * Who is in the meeting, as this participant knows it: the others as the
 * server last described them, and this person's own record, which is made
 * here from local state (microphone, camera, screen) and the server's word
 * (id, hand).
 */
import type { Participant, ParticipantId, Role, ServerMessageOf } from "../../protocol/messages.js";

/** What this person's own record says that the roster does not keep itself. */
export interface SelfState {
  role: Role;
  screen: boolean;
  audio: boolean;
  video: boolean;
  publicKey: string | null;
}

export class Roster {
  /** Set by `joined`; undefined before the first join. */
  selfId: ParticipantId | undefined;
  /** The name the person joined with; undefined until they clicked "Join". */
  name: string | undefined;
  /** When this person's hand went up (its place in the queue), or null. */
  hand: number | null = null;
  private readonly others = new Map<ParticipantId, Participant>();

  /** A (re)join: the server's list replaces ours. */
  joined(message: ServerMessageOf<"joined">): void {
    this.selfId = message.participantId;
    this.hand = null;
    this.others.clear();
    for (const p of message.participants) this.others.set(p.id, p);
  }

  add(participant: Participant): void {
    this.others.set(participant.id, participant);
  }

  /** Someone changed; false if it was this person's own record (only the hand is taken from it). */
  set(participant: Participant): boolean {
    if (participant.id === this.selfId) {
      // Our own record changes only by the server's hand (a raised or lowered hand).
      this.hand = participant.hand;
      return false;
    }
    this.others.set(participant.id, participant);
    return true;
  }

  /** Someone left: their last record, if we knew them. */
  remove(id: ParticipantId): Participant | undefined {
    const participant = this.others.get(id);
    this.others.delete(id);
    return participant;
  }

  get(id: ParticipantId): Participant | undefined {
    return id === this.selfId ? undefined : this.others.get(id);
  }

  ids(): ParticipantId[] {
    return [...this.others.keys()];
  }

  list(): Participant[] {
    return [...this.others.values()];
  }

  self(state: SelfState): Participant {
    return {
      id: this.selfId ?? "self",
      name: this.name ?? "",
      role: state.role,
      hand: this.hand,
      screen: state.screen,
      audio: state.audio,
      video: state.video,
      publishing: true,
      publicKey: state.publicKey,
    };
  }
}
