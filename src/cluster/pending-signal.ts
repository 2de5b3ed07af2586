/**
 * A connection's signal while the cluster is still finding out where its
 * room lives (a Redis round trip or two): it holds the messages in order and
 * hands them to the real signal once there is one, so the edge can go on
 * sending as if the room were here.
 */
import type { ClientMessage } from "../protocol/messages.js";
import type { ParticipantSignal } from "./registry.js";

/** Messages held while routing; a client that sends more before its room is found loses the rest (it is far above the rate limit's burst). */
const MAX_HELD = 500;

export class PendingSignal implements ParticipantSignal {
  private target: ParticipantSignal | undefined;
  private held: ClientMessage[] = [];
  private closedWith: { leftOnPurpose: boolean } | undefined;
  private dropped = false;

  /** The connection closed before it was routed: nothing needs opening for it. */
  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  send(message: ClientMessage): void {
    if (this.target) return this.target.send(message);
    if (!this.dropped && !this.closedWith && this.held.length < MAX_HELD) this.held.push(message);
  }

  close(leftOnPurpose: boolean): void {
    if (this.target) return this.target.close(leftOnPurpose);
    this.closedWith ??= { leftOnPurpose };
  }

  /** From now on everything goes to `target`: first what was held, in order, then a close that came meanwhile. */
  bind(target: ParticipantSignal): void {
    if (this.target || this.dropped) return;
    this.target = target;
    const held = this.held;
    this.held = [];
    for (const message of held) target.send(message);
    if (this.closedWith) target.close(this.closedWith.leftOnPurpose);
  }

  /** Routing failed (the caller told the client): what was held is dropped, and so is anything later. */
  drop(): void {
    this.dropped = true;
    this.held = [];
  }
}
