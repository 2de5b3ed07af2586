/**
 * This page's polls (issue 13) over the sealed content channel: moderators
 * open, close and publish polls (topic `poll`, to everyone); each person's
 * answer goes to the poll's creator only (topic `pollAnswer`), whose browser
 * counts (tally.ts) and publishes the counts. With end-to-end encryption the
 * server relays ciphertext only (docs/e2ee.md). No DOM: ui/poll-panel.ts
 * draws `list()`.
 *
 * Everything that arrives is checked: a `poll` counts only from someone the
 * roster says is a moderator, a close or result only from the poll's
 * creator, an answer only at the creator's browser and only if it fits.
 */
import type { ParticipantId } from "../../protocol/messages.js";
import { encode, newPollId, parseAnswer, parsePollMessage, type PollMessage, type PollResults, type PollSpec } from "./poll.js";
import { Tally } from "./tally.js";

/** The part of the content channel (meeting/content.ts) polls use. */
export interface PollChannel {
  send(topic: "poll" | "pollAnswer", bytes: Uint8Array, to?: ParticipantId | "moderators"): Promise<void>;
  on(topic: "poll" | "pollAnswer", handler: (from: ParticipantId, bytes: Uint8Array) => void): () => void;
}

/** What polls need to know about the people in the meeting. */
export interface PollPeople {
  selfId(): ParticipantId | undefined;
  isModerator(id: ParticipantId): boolean;
  nameOf(id: ParticipantId): string | undefined;
}

/** One poll as this page knows it. */
export interface PollView {
  spec: PollSpec;
  creator: ParticipantId;
  /** This page made it: it counts the answers, closes it, shares and exports the results. */
  mine: boolean;
  closed: boolean;
  /** The counts: this page's own tally if it is the creator's, else the latest the creator published. */
  results: PollResults | undefined;
  /** This person's answer as last sent. */
  answered: number[] | undefined;
  /** For the creator of a named poll: who chose what, by name (never for an anonymous poll). */
  named: [name: string, choices: number[]][];
}

/** Counts published while a live poll runs go out at most this often. */
const PUBLISH_EVERY_MS = 300;

interface Kept extends PollView {
  tally?: Tally;
  /** Names of those who answered a named poll, as they were when they answered. */
  names: Map<ParticipantId, string>;
  /** The creator published the counts (shared, or live): newcomers get them too. */
  published: boolean;
  publishTimer?: ReturnType<typeof setTimeout>;
}

export class Polls {
  private readonly polls = new Map<string, Kept>();
  private readonly listeners = new Set<(reason: "opened" | "changed", poll: PollView) => void>();
  private readonly stops: (() => void)[];

  constructor(
    private readonly channel: PollChannel,
    private readonly people: PollPeople,
  ) {
    this.stops = [
      channel.on("poll", (from, bytes) => this.received(from, parsePollMessage(bytes))),
      channel.on("pollAnswer", (from, bytes) => this.answerReceived(from, bytes)),
    ];
  }

  /** Called with every change: a poll opened (someone else's), or anything else changed. */
  onChange(listener: (reason: "opened" | "changed", poll: PollView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Newest first. */
  list(): PollView[] {
    return [...this.polls.values()].reverse().map((p) => this.view(p));
  }

  get(id: string): PollView | undefined {
    const poll = this.polls.get(id);
    return poll && this.view(poll);
  }

  /** A moderator opens a poll for everyone. */
  async create(spec: Omit<PollSpec, "id">): Promise<PollView> {
    const self = this.people.selfId();
    if (!self) throw new Error("not in the meeting");
    const poll: PollSpec = { ...spec, id: newPollId() };
    const kept = this.keep(poll, self);
    kept.tally = new Tally(poll);
    this.emit("changed", kept);
    await this.channel.send("poll", encode({ kind: "open", poll }));
    return this.view(kept);
  }

  /** This person's answer (an empty list takes it back). */
  async answer(id: string, choices: number[]): Promise<void> {
    const poll = this.polls.get(id);
    const self = this.people.selfId();
    if (!poll || poll.closed || !self) return;
    poll.answered = [...choices].sort((a, b) => a - b);
    if (poll.tally) this.count(poll, self, choices);
    else await this.channel.send("pollAnswer", encode({ id, choices }), poll.creator);
    this.emit("changed", poll);
  }

  /** The creator closes the poll; for a poll whose results show when closed, everyone gets them now. */
  async close(id: string): Promise<void> {
    const poll = this.polls.get(id);
    if (!poll?.tally || poll.closed) return;
    poll.tally.close();
    poll.closed = true;
    this.emit("changed", poll);
    await this.channel.send("poll", encode({ kind: "close", id }));
    if (poll.spec.reveal === "closed") await this.share(id);
  }

  /** The creator shows everyone the counts as they are now. */
  async share(id: string): Promise<void> {
    const poll = this.polls.get(id);
    if (!poll?.tally) return;
    clearTimeout(poll.publishTimer);
    poll.published = true;
    await this.channel.send("poll", encode({ kind: "results", id, results: poll.tally.results() }));
  }

  /** Someone joined: the creator's page tells them about its polls (and the counts it published). */
  async welcome(id: ParticipantId): Promise<void> {
    for (const poll of this.polls.values()) {
      if (!poll.tally) continue;
      const message: PollMessage = {
        kind: "open",
        poll: poll.spec,
        ...(poll.closed ? { closed: true } : {}),
        ...(poll.published ? { results: poll.tally.results() } : {}),
      };
      await this.channel.send("poll", encode(message), id);
    }
  }

  /** The page leaves the meeting: no more handlers or timers. */
  dispose(): void {
    for (const stop of this.stops) stop();
    for (const poll of this.polls.values()) clearTimeout(poll.publishTimer);
  }

  private keep(spec: PollSpec, creator: ParticipantId): Kept {
    const kept: Kept = { spec, creator, mine: creator === this.people.selfId(), closed: false, results: undefined, answered: undefined, named: [], names: new Map(), published: false };
    this.polls.set(spec.id, kept);
    return kept;
  }

  private received(from: ParticipantId, message: PollMessage | undefined): void {
    if (!message || !this.people.isModerator(from)) return;
    if (message.kind === "open") {
      const known = this.polls.get(message.poll.id);
      if (known && known.creator !== from) return; // an id taken by another moderator's poll
      const poll = known ?? this.keep(message.poll, from);
      if (message.closed) poll.closed = true;
      if (message.results) poll.results = message.results;
      this.emit(known ? "changed" : "opened", poll);
      return;
    }
    const poll = this.polls.get(message.id);
    if (!poll || poll.creator !== from || poll.tally) return;
    if (message.kind === "close") poll.closed = true;
    else if (message.results.counts.length === poll.spec.options.length) poll.results = message.results;
    else return;
    this.emit("changed", poll);
  }

  private answerReceived(from: ParticipantId, bytes: Uint8Array): void {
    const answer = parseAnswer(bytes);
    const poll = answer ? this.polls.get(answer.id) : undefined;
    if (!answer || !poll?.tally) return; // only the creator's page counts
    this.count(poll, from, answer.choices);
  }

  private count(poll: Kept, from: ParticipantId, choices: unknown): void {
    if (!poll.tally!.vote(from, choices)) return;
    // A named poll keeps the name as it was when the person answered; an anonymous one keeps none.
    if (!poll.spec.anonymous) poll.names.set(from, this.people.nameOf(from) ?? from);
    this.emit("changed", poll);
    if (poll.spec.reveal === "live" || poll.published) this.publishSoon(poll);
  }

  /** Live counts go out at most every PUBLISH_EVERY_MS, so a burst of answers is one message. */
  private publishSoon(poll: Kept): void {
    if (poll.publishTimer !== undefined) return;
    poll.publishTimer = setTimeout(() => {
      poll.publishTimer = undefined;
      void this.share(poll.spec.id).catch(() => {});
    }, PUBLISH_EVERY_MS);
  }

  private view(poll: Kept): PollView {
    const results = poll.tally ? poll.tally.results() : poll.results;
    const named = poll.tally ? poll.tally.ballots().map(([id, choices]): [string, number[]] => [poll.names.get(id) ?? id, choices]) : [];
    return { spec: poll.spec, creator: poll.creator, mine: poll.mine, closed: poll.closed, results, answered: poll.answered, named };
  }

  private emit(reason: "opened" | "changed", poll: Kept): void {
    const view = this.view(poll);
    for (const listener of this.listeners) listener(reason, view);
  }
}
