/**
 * This page's side of a recording (issue 16), without DOM: who records (the
 * server's `recording`), whether a recording runs where this person is about
 * to join (`meetingNotice`), this person's answer, and, on the recording
 * moderator's page, everyone's answers (consent.ts).
 *
 * Answers go over the content channel (topic `recordingConsent`) to the
 * recording moderator only, sealed when the page encrypts. An answer counts
 * only at the recording moderator's page and only for the recording that
 * runs; a new recording asks everyone again.
 */
import type { ClientMessageInput, ParticipantId, RoomName } from "../../protocol/messages.js";
import { ConsentBook, encodeConsent, parseConsent } from "./consent.js";

/** The part of the content channel (meeting/content.ts) recording uses. */
export interface ConsentChannel {
  send(topic: "recordingConsent", bytes: Uint8Array, to: ParticipantId): Promise<void>;
  on(topic: "recordingConsent", handler: (from: ParticipantId, bytes: Uint8Array) => void): () => void;
}

export interface RecordingPeople {
  selfId(): ParticipantId | undefined;
  nameOf(id: ParticipantId): string | undefined;
}

/** What the screen hears. */
export type RecordingChange =
  /** A recording started (`mine`: this page records); others are asked for consent. */
  | { kind: "started"; by: ParticipantId; name: string; mine: boolean }
  /** It stopped (`mine`: this page recorded and saves the file now). */
  | { kind: "stopped"; mine: boolean }
  /** On the recording page: someone answered (or left). */
  | { kind: "answers" }
  /** Before joining (pre-join, lobby): whether a recording runs in this meeting. */
  | { kind: "notice"; recording: boolean };

export class MeetingRecording {
  /** Who records now (null: nobody). */
  private recorder: ParticipantId | null = null;
  /** This person's answer to the recording that runs (undefined: not answered yet). */
  private mine: boolean | undefined;
  private book: ConsentBook | undefined;
  /** The latest `meetingNotice`: before joining, a recording runs. */
  private noticed = false;
  private readonly listeners = new Set<(change: RecordingChange) => void>();
  private readonly stopListening: () => void;

  constructor(
    private readonly send: (message: ClientMessageInput) => void,
    private readonly channel: ConsentChannel,
    private readonly people: RecordingPeople,
  ) {
    this.stopListening = channel.on("recordingConsent", (from, bytes) => this.answered(from, bytes));
  }

  onChange(listener: (change: RecordingChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Who records (null: nobody). */
  get by(): ParticipantId | null {
    return this.recorder;
  }

  /** This page records. */
  get recording(): boolean {
    return this.recorder !== null && this.recorder === this.people.selfId();
  }

  /** This person's answer to the recording that runs. */
  get answer(): boolean | undefined {
    return this.mine;
  }

  /** A recording runs where this person is about to join (pre-join screen, lobby). */
  get runsBeforeJoining(): boolean {
    return this.noticed;
  }

  /** On the recording page: whether `id` is in the picture and the mix (the recorder always; others once they agreed). */
  agrees(id: ParticipantId): boolean {
    return this.book?.agrees(id) ?? false;
  }

  nameOf(id: ParticipantId): string | undefined {
    return this.people.nameOf(id);
  }

  counts(): { agreed: number; declined: number } {
    return this.book?.counts() ?? { agreed: 0, declined: 0 };
  }

  /** Before joining: asks the server whether a recording runs in `room` (answered by `meetingNotice`). */
  ask(room: RoomName): void {
    this.send({ type: "meetingNotice", room });
  }

  // --- what the moderator asks ------------------------------------------------

  start(): void {
    this.send({ type: "record", on: true });
  }

  stop(): void {
    this.send({ type: "record", on: false });
  }

  // --- what this person answers -------------------------------------------------

  /** Agree or decline to the recording that runs; may be changed while it runs. */
  respond(agree: boolean): void {
    const to = this.recorder;
    if (to === null || to === this.people.selfId()) return;
    this.mine = agree;
    void this.channel.send("recordingConsent", encodeConsent(agree), to).catch(() => {});
  }

  // --- what the server says ----------------------------------------------------

  /** The server's `recording`: who records now. */
  received(by: ParticipantId | null): void {
    if (by === this.recorder) return;
    const wasMine = this.recording;
    if (this.recorder !== null) {
      this.recorder = null;
      this.book = undefined;
      this.mine = undefined;
      this.emit({ kind: "stopped", mine: wasMine });
    }
    if (by === null) return;
    this.recorder = by;
    const mine = by === this.people.selfId();
    if (mine) this.book = new ConsentBook(by);
    this.emit({ kind: "started", by, name: this.people.nameOf(by) ?? "", mine });
  }

  /** The server's `meetingNotice` (before joining, and while waiting in the lobby). */
  notice(recording: boolean): void {
    this.noticed = recording;
    this.emit({ kind: "notice", recording });
  }

  /** Someone left: their answer goes (someone who comes back is asked again). */
  left(id: ParticipantId): void {
    if (!this.book) return;
    this.book.forget(id);
    this.emit({ kind: "answers" });
  }

  /** This page leaves the meeting: a recording of its own ends (and is saved by the screen). */
  close(): void {
    this.stopListening();
    this.received(null);
  }

  private answered(from: ParticipantId, bytes: Uint8Array): void {
    const agree = parseConsent(bytes);
    if (!this.book || agree === undefined) return;
    this.book.answer(from, agree);
    this.emit({ kind: "answers" });
  }

  private emit(change: RecordingChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
