/**
 * A fake sealed content channel for the collaboration tools' unit tests:
 * every participant's `ContentChannel` on one in-memory bus that delivers
 * to everyone else (or to `to`), asynchronously and in order, as the server
 * does. `delivered` counts what went over it; `tap` sees every message.
 */
import type { ParticipantId } from "../../src/protocol/messages.js";
import type { CollabTopic, ContentChannel } from "../../src/client/collab/channel.js";

type Handler = (from: ParticipantId, bytes: Uint8Array, info: { sealed: boolean; at: number }) => void;

export class ContentBus {
  private readonly members = new Map<ParticipantId, Map<CollabTopic, Set<Handler>>>();
  private queue: Promise<void> = Promise.resolve();
  delivered = 0;
  tap: (from: ParticipantId, topic: CollabTopic, bytes: Uint8Array, to?: ParticipantId) => void = () => {};

  channel(id: ParticipantId): ContentChannel {
    const topics = new Map<CollabTopic, Set<Handler>>();
    this.members.set(id, topics);
    return {
      send: (topic, bytes, to) => {
        if (bytes.length > 44_000) return Promise.reject(new RangeError("too big"));
        this.tap(id, topic, bytes, to);
        const copy = bytes.slice();
        this.queue = this.queue.then(() => {
          for (const [member, handlers] of this.members) {
            if (member === id || (to !== undefined && to !== member)) continue;
            for (const handler of handlers.get(topic) ?? []) handler(id, copy, { sealed: true, at: Date.now() });
            this.delivered++;
          }
        });
        return Promise.resolve();
      },
      on: (topic, handler) => {
        const set = topics.get(topic) ?? new Set();
        topics.set(topic, set);
        set.add(handler);
        return () => set.delete(handler);
      },
    };
  }

  leave(id: ParticipantId): void {
    this.members.delete(id);
  }

  /** Everything sent so far has been delivered (and handlers ran). */
  async settled(): Promise<void> {
    // Senders pace and queue before they reach the bus: quiet for a few turns of the event loop.
    let quiet = 0;
    for (let i = 0; i < 200 && quiet < 5; i++) {
      const queue = this.queue;
      await queue;
      await new Promise((resolve) => setTimeout(resolve, 0));
      quiet = queue === this.queue ? quiet + 1 : 0;
    }
  }
}
