/**
 * A media plane that answers at once and forwards nothing: for unit tests of
 * meeting logic that need a LiveRoom but no Janus. The end-to-end and
 * integration suites always use the real one.
 */
import { EventEmitter } from "node:events";
import type { MediaParticipant, MediaParticipantEvents, MediaPlane, MediaPlaneEvents, MediaRoom } from "../../src/media/media-plane.js";

let feeds = 0;

class FakeParticipant extends EventEmitter<MediaParticipantEvents> implements MediaParticipant {
  readonly feedId = ++feeds;
  readonly mids: { audio?: string; video?: string } = {};
  async publish(): Promise<string> {
    this.mids.audio = "0";
    this.mids.video = "1";
    return "v=0 fake answer";
  }
  async subscribe(): Promise<void> {}
  async answerSubscription(): Promise<void> {}
  async trickle(): Promise<void> {}
  async mute(): Promise<void> {}
  async leave(): Promise<void> {}
}

export class FakeMediaPlane extends EventEmitter<MediaPlaneEvents> implements MediaPlane {
  readonly available = true;
  /** Media rooms not destroyed yet. */
  open = 0;
  async createRoom(): Promise<MediaRoom> {
    this.open++;
    let destroyed = false;
    return {
      join: async () => new FakeParticipant(),
      destroy: async () => {
        if (!destroyed) this.open--;
        destroyed = true;
      },
    };
  }
  async close(): Promise<void> {}
}
