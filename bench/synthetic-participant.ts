/**
 * A synthetic participant for the benchmarks: it joins a meeting over
 * Treff's real signaling protocol as a browser does, publishes (camera in
 * three simulcast layers, and a microphone if given a clip: see
 * synthetic-publisher.ts) and, if asked to, receives others
 * (synthetic-subscriber.ts). A Node object at a small fraction of a
 * browser's cost, so meetings larger than the machine runs browsers for
 * can be measured.
 */
import type { ParticipantId, VideoQuality } from "../src/protocol/messages.js";
import { TestClient } from "../test/integration/client.js";
import { SyntheticPublisher, type SyntheticMedia } from "./synthetic-publisher.js";
import { SyntheticSubscriber } from "./synthetic-subscriber.js";

export class SyntheticParticipant {
  private constructor(
    readonly name: string,
    readonly id: ParticipantId,
    private readonly signaling: TestClient,
    readonly publisher: SyntheticPublisher,
    readonly subscriber: SyntheticSubscriber | undefined,
  ) {}

  /** Joins `room` as `name`, publishes `media`, and prepares to receive if `receive` is set. */
  static async join(signalingUrl: string, room: string, name: string, media: SyntheticMedia, options: { receive?: boolean } = {}): Promise<SyntheticParticipant> {
    const signaling = await TestClient.connect(signalingUrl, { timeoutMs: 15_000 });
    let subscriber: SyntheticSubscriber | undefined;
    try {
      const joined = await signaling.join(room, name);
      // Before publishing, so that no offer can arrive unheard.
      if (options.receive) subscriber = new SyntheticSubscriber(signaling, name);
      const publisher = await SyntheticPublisher.start(signaling, name, media);
      // The signaling client keeps every message for `next()`; nothing reads these, so let them go.
      signaling.discardUnread();
      return new SyntheticParticipant(name, joined.participantId, signaling, publisher, subscriber);
    } catch (error) {
      await subscriber?.close();
      await signaling.close();
      throw error;
    }
  }

  /** Receives `participants`' audio and their video at the given layers; resolves when media flows. */
  async receive(participants: readonly ParticipantId[], video: Record<ParticipantId, VideoQuality>): Promise<void> {
    if (!this.subscriber) throw new Error(`${this.name} was not joined to receive`);
    this.subscriber.subscribe(participants, video);
    await this.subscriber.ready;
  }

  async close(): Promise<void> {
    this.signaling.send({ type: "leave" });
    await Promise.all([this.publisher.close(), this.subscriber?.close()]);
    await this.signaling.close();
  }
}
