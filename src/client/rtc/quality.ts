/**
 * Connection quality from getStats(): for each remote participant, the
 * share of their video packets lost and the bitrate arriving; for the
 * connection to the media server, the round-trip time. Turned into three
 * plain words — good, fair, poor — shown on each tile.
 */
import type { ParticipantId } from "../../protocol/messages.js";

export type Quality = "good" | "fair" | "poor";

export interface QualitySample {
  /** Fraction of packets lost since the last sample, 0..1. */
  loss: number;
  /** Round-trip time to the media server in seconds. */
  rtt: number;
  /** Bits per second received since the last sample. */
  bitrate: number;
}

/** The rating: loss and delay are what people notice; a trickle of bits means frozen video. */
export function rate(sample: QualitySample): Quality {
  if (sample.loss > 0.1 || sample.rtt > 0.5 || sample.bitrate < 20_000) return "poor";
  if (sample.loss > 0.03 || sample.rtt > 0.25 || sample.bitrate < 80_000) return "fair";
  return "good";
}

interface Counters {
  packetsReceived: number;
  packetsLost: number;
  bytesReceived: number;
  at: number;
}

/** Keeps the previous counters so each sample covers the interval since the last. */
export class QualityMeter {
  private previous = new Map<string, Counters>();

  /**
   * Rates each participant's video arriving on the subscriber connection.
   * `owners` maps a track id to its participant.
   */
  async sample(pc: RTCPeerConnection, owners: Map<string, ParticipantId>): Promise<Map<ParticipantId, Quality>> {
    const stats = await pc.getStats();
    let rtt = 0;
    stats.forEach((r: { type: string; nominated?: boolean; state?: string; currentRoundTripTime?: number }) => {
      if (r.type === "candidate-pair" && r.nominated && r.state === "succeeded") rtt = r.currentRoundTripTime ?? 0;
    });
    const result = new Map<ParticipantId, Quality>();
    const seen = new Map<string, Counters>();
    stats.forEach(
      (r: { type: string; kind?: string; trackIdentifier?: string; packetsReceived?: number; packetsLost?: number; bytesReceived?: number; timestamp: number }) => {
        if (r.type !== "inbound-rtp" || r.kind !== "video" || !r.trackIdentifier) return;
        const owner = owners.get(r.trackIdentifier);
        if (!owner) return;
        const now: Counters = { packetsReceived: r.packetsReceived ?? 0, packetsLost: r.packetsLost ?? 0, bytesReceived: r.bytesReceived ?? 0, at: r.timestamp };
        seen.set(r.trackIdentifier, now);
        const before = this.previous.get(r.trackIdentifier);
        if (!before || now.at <= before.at) return;
        const received = now.packetsReceived - before.packetsReceived;
        // No packets at all: the camera is off (the media server forwards nothing), not a bad line.
        if (received === 0) return;
        const lost = Math.max(0, now.packetsLost - before.packetsLost);
        const seconds = (now.at - before.at) / 1000;
        result.set(owner, rate({ loss: received + lost > 0 ? lost / (received + lost) : 0, rtt, bitrate: ((now.bytesReceived - before.bytesReceived) * 8) / seconds }));
      },
    );
    this.previous = seen;
    return result;
  }
}
