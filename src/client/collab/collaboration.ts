/**
 * What participants make together in a meeting: the whiteboard, the shared
 * notes and the presentation, each on its own topic of the sealed content
 * channel. The meeting (meeting/meeting.ts) tells it who joins and leaves;
 * the screen reads the tools and hears about refused input here.
 */
import type { Participant, ParticipantId } from "../../protocol/messages.js";
import type { CollabTopic, ContentChannel } from "./channel.js";
import type { CollabContext } from "./shared-doc.js";
import { Whiteboard } from "./whiteboard.js";
import { Notes } from "./notes.js";
import { Slides } from "./slides.js";
import { Pacer } from "./pacer.js";

export interface CollabMeeting {
  readonly content: ContentChannel;
  others(): readonly Participant[];
  selfId(): ParticipantId | undefined;
  selfIsModerator(): boolean;
}

/** Refusals are reported to the person at most this often per sender and topic. */
const REPORT_EVERY_MS = 10_000;

export class Collaboration {
  readonly whiteboard: Whiteboard;
  readonly notes: Notes;
  readonly slides: Slides;
  /** The screen's ear for refused input (a notice). */
  onRefused: (topic: CollabTopic, from: ParticipantId, reason: string) => void = () => {};
  private readonly reported = new Map<string, number>();

  constructor(private readonly meeting: CollabMeeting) {
    const context: CollabContext = {
      content: meeting.content,
      pacer: new Pacer(),
      others: () => meeting.others(),
      selfId: () => meeting.selfId(),
      selfIsModerator: () => meeting.selfIsModerator(),
      refused: (topic, from, reason) => this.refused(topic, from, reason),
    };
    this.whiteboard = new Whiteboard(context);
    this.notes = new Notes(context);
    this.slides = new Slides(context);
  }

  /** Joined or rejoined the meeting: get the current state from someone. */
  joined(): void {
    this.whiteboard.joined();
    this.notes.joined();
    this.slides.joined();
  }

  participantJoined(id: ParticipantId): void {
    this.whiteboard.welcome(id);
  }

  participantLeft(id: ParticipantId): void {
    this.whiteboard.left(id);
    this.notes.left(id);
    this.slides.left(id);
  }

  close(): void {
    this.whiteboard.close();
    this.notes.close();
    this.slides.close();
  }

  private refused(topic: CollabTopic, from: ParticipantId, reason: string): void {
    console.warn(`treff: ${topic} from ${from} refused: ${reason}`);
    const key = `${topic}|${from}|${reason}`;
    const last = this.reported.get(key) ?? -Infinity;
    if (Date.now() - last < REPORT_EVERY_MS) return;
    this.reported.set(key, Date.now());
    this.onRefused(topic, from, reason);
  }
}
