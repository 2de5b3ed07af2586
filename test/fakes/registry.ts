/**
 * A room registry that holds no rooms: it records each connection the
 * signaling edge opens through it and what that connection sends, and
 * answers `ping` with `pong` (so round-trip barriers work). For unit tests
 * of the edge (src/server/signaling.ts) without any meeting logic.
 */
import type { ClientMessage, ClientMessageOf } from "../../src/protocol/messages.js";
import type { ParticipantLink, ParticipantSignal, RegistryStats, RoomRegistry } from "../../src/cluster/registry.js";

export class FakeSignal implements ParticipantSignal {
  /** Every message after the opening `join`, in order. */
  readonly messages: ClientMessage[] = [];
  /** Set once the edge closed the signal: whether the person left on purpose. */
  closed: { leftOnPurpose: boolean } | undefined;

  constructor(
    readonly join: ClientMessageOf<"join">,
    readonly address: string,
    readonly link: ParticipantLink,
  ) {}

  send(message: ClientMessage): void {
    this.messages.push(message);
    if (message.type === "ping") this.link.send({ type: "pong", id: message.id });
  }

  close(leftOnPurpose: boolean): void {
    this.closed ??= { leftOnPurpose };
  }
}

export class FakeRoomRegistry implements RoomRegistry {
  /** Every signal opened, in order. */
  readonly signals: FakeSignal[] = [];
  shutdowns: { code: number; reason: string }[] = [];

  get size(): number {
    return new Set(this.signals.filter((s) => !s.closed).map((s) => s.join.room)).size;
  }

  connect(join: ClientMessageOf<"join">, address: string, link: ParticipantLink): ParticipantSignal {
    const signal = new FakeSignal(join, address, link);
    this.signals.push(signal);
    return signal;
  }

  /** Rooms where the fake says a recording runs. */
  readonly recordingIn = new Set<string>();

  async recording(name: string): Promise<boolean> {
    return this.recordingIn.has(name);
  }

  stats(): RegistryStats {
    return { rooms: this.size, participants: this.signals.filter((s) => !s.closed).length, publishers: 0, waiting: 0 };
  }

  async start(): Promise<void> {}

  async shutdownAll(code: number, reason: string): Promise<void> {
    this.shutdowns.push({ code, reason });
    for (const signal of this.signals) if (!signal.closed) signal.link.close(code, reason);
  }

  async drain(): Promise<void> {}

  async close(): Promise<void> {}
}
