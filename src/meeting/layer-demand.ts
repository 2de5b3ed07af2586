/**
 * Which camera layer anyone in a room receives from each publisher
 * (LiveKit calls acting on this "dynacast"): a browser that encodes a layer
 * nobody receives spends CPU for nothing, and in a meeting of small tiles
 * the top layer, with three quarters of the pixels, is not needed at all.
 * Pure: each change returns the publishers whose highest wanted layer moved,
 * and the layer; live-room.ts tells them (`videoLayers`).
 */
import type { ParticipantId, VideoQuality } from "../protocol/messages.js";

const RANK: Readonly<Record<VideoQuality, number>> = { off: 0, low: 1, medium: 2, high: 3 };

export class LayerDemand {
  /** Per subscriber: per publisher, the layer it receives. */
  private readonly wants = new Map<ParticipantId, ReadonlyMap<ParticipantId, VideoQuality>>();
  /** What each publisher was last told (absent: nothing yet, so it sends every layer). */
  private readonly told = new Map<ParticipantId, VideoQuality>();

  /** `subscriber` now receives these publishers' cameras at these layers (and no other camera). */
  receive(subscriber: ParticipantId, layers: ReadonlyMap<ParticipantId, VideoQuality>): Map<ParticipantId, VideoQuality> {
    const before = this.wants.get(subscriber);
    this.wants.set(subscriber, new Map(layers));
    return this.changes([...(before?.keys() ?? []), ...layers.keys()]);
  }

  /** `publisher` (re)started its camera, encoding every layer: it is told afresh what anyone receives (`off` if nobody). */
  published(publisher: ParticipantId): Map<ParticipantId, VideoQuality> {
    this.told.delete(publisher);
    return this.changes([publisher]);
  }

  /** `id` left: as a subscriber it wants nothing any more; as a publisher it is forgotten. */
  forget(id: ParticipantId): Map<ParticipantId, VideoQuality> {
    const before = this.wants.get(id);
    this.wants.delete(id);
    this.told.delete(id);
    for (const [subscriber, layers] of this.wants) {
      if (!layers.has(id)) continue;
      const rest = new Map(layers);
      rest.delete(id);
      this.wants.set(subscriber, rest);
    }
    return this.changes([...(before?.keys() ?? [])].filter((publisher) => publisher !== id));
  }

  /** The highest layer anyone receives from `publisher`. */
  highest(publisher: ParticipantId): VideoQuality {
    let best: VideoQuality = "off";
    for (const layers of this.wants.values()) {
      const quality = layers.get(publisher);
      if (quality && RANK[quality] > RANK[best]) best = quality;
    }
    return best;
  }

  private changes(publishers: ParticipantId[]): Map<ParticipantId, VideoQuality> {
    const changed = new Map<ParticipantId, VideoQuality>();
    for (const publisher of new Set(publishers)) {
      const highest = this.highest(publisher);
      if (this.told.get(publisher) === highest) continue;
      this.told.set(publisher, highest);
      changed.set(publisher, highest);
    }
    return changed;
  }
}
