/**
 * The connectivity check's test connection to the media server (`probe`).
 *
 * A probe is a room of one: a fresh media room with one participant whose
 * publisher answers the browser's offer. The browser only needs to see its
 * peer connection reach "connected"; nothing is forwarded anywhere, and the
 * room is not in the registry, so no meeting can find it.
 */
import type { MediaParticipant, MediaPlane, MediaRoom } from "../media/media-plane.js";
import { RefusedError } from "../meeting/errors.js";

export interface Probe {
  /** The media server's SDP answer. */
  answer: string;
  /** Ends the test connection. Idempotent. */
  close(): Promise<void>;
  /** Settles once the test connection is gone (closed by the socket or by its lifetime). */
  closed: Promise<void>;
}

export interface ProbeOptions {
  /** A probe closes itself after this long, whatever the browser does. */
  lifetimeMs?: number;
  /** Probes open at once, server-wide: each holds a Janus session, so a flood must not hold hundreds. */
  maxOpen?: number;
}

export class ProbeService {
  private readonly open = new Set<Probe>();
  private readonly lifetimeMs: number;
  private readonly maxOpen: number;

  constructor(
    private readonly mediaPlane: MediaPlane,
    options: ProbeOptions = {},
  ) {
    this.lifetimeMs = options.lifetimeMs ?? 30_000;
    this.maxOpen = options.maxOpen ?? 50;
  }

  /** Probes currently holding media-server resources. */
  get size(): number {
    return this.open.size;
  }

  async start(offerSdp: string): Promise<Probe> {
    if (this.open.size >= this.maxOpen) throw new RefusedError("server-busy", "too many connectivity checks are running; try again shortly");
    // Counted from the start, so a burst of starts cannot pass the limit while they wait for Janus.
    const resources: { room?: MediaRoom; participant?: MediaParticipant } = {};
    let timer: NodeJS.Timeout | undefined;
    let closing: Promise<void> | undefined;
    let closed = () => {};
    const probe: Probe = {
      answer: "",
      closed: new Promise<void>((resolve) => (closed = resolve)),
      close: () => {
        closing ??= (async () => {
          clearTimeout(timer);
          try {
            await resources.participant?.leave().catch(() => {}); // the room's destruction ends it anyway
            await resources.room?.destroy();
          } finally {
            this.open.delete(probe);
            closed();
          }
        })();
        return closing;
      },
    };
    this.open.add(probe);
    try {
      resources.room = await this.mediaPlane.createRoom();
      resources.participant = await resources.room.join();
      probe.answer = await resources.participant.publish(offerSdp);
    } catch (error) {
      await probe.close().catch(() => {});
      throw error;
    }
    timer = setTimeout(() => void probe.close().catch(() => {}), this.lifetimeMs);
    timer.unref();
    return probe;
  }
}
