/**
 * Counting a poll's answers in its creator's browser (issue 13). Pure:
 * unit- and property-tested (test/unit/poll-tally.test.ts).
 *
 * One ballot per sender (the id the server relays it from, which a
 * participant cannot forge); a later answer replaces the earlier one; an
 * answer that does not fit the poll (an option that does not exist, twice
 * the same option, several for a single-choice poll, not a list of
 * integers) is ignored and leaves the earlier one standing; nothing counts
 * after the poll is closed. For an anonymous poll, who chose what is kept
 * only to replace a changed answer: `ballots()` gives nothing out.
 */
import type { PollResults, PollSpec } from "./poll.js";

export class Tally {
  private readonly ballots_ = new Map<string, number[]>();
  private closed_ = false;

  constructor(readonly poll: PollSpec) {}

  get closed(): boolean {
    return this.closed_;
  }

  close(): void {
    this.closed_ = true;
  }

  /** The choices if they fit this poll, sorted; undefined if not. An empty list withdraws the answer. */
  valid(choices: unknown): number[] | undefined {
    if (!Array.isArray(choices) || choices.length > this.poll.options.length) return undefined;
    if (!choices.every((c) => Number.isInteger(c) && c >= 0 && c < this.poll.options.length)) return undefined;
    const unique = [...new Set(choices as number[])].sort((a, b) => a - b);
    if (unique.length !== choices.length) return undefined;
    if (!this.poll.multiple && unique.length > 1) return undefined;
    return unique;
  }

  /** Counts `voter`'s answer (replacing their earlier one); false if it was ignored. */
  vote(voter: string, choices: unknown): boolean {
    if (this.closed_) return false;
    const valid = this.valid(choices);
    if (!valid) return false;
    if (valid.length === 0) this.ballots_.delete(voter);
    else this.ballots_.set(voter, valid);
    return true;
  }

  /** The person left before the poll closed: their answer still counts (they gave it). */
  results(): PollResults {
    const counts = this.poll.options.map(() => 0);
    for (const choices of this.ballots_.values()) for (const choice of choices) counts[choice]!++;
    return { counts, voters: this.ballots_.size };
  }

  /** Who chose what, for a named poll only; an anonymous poll gives out nothing. */
  ballots(): [voter: string, choices: number[]][] {
    if (this.poll.anonymous) return [];
    return [...this.ballots_].map(([voter, choices]) => [voter, [...choices]]);
  }
}
