/**
 * Limits per key (a client's address group, a room): a token bucket per key
 * for rates, a counter per key for things held at once. Each forgets a key
 * as soon as it is back to its resting state, and refuses new keys beyond
 * `maxKeys`, so a flood of fresh addresses cannot grow them without bound.
 */
import { TokenBucket } from "./token-bucket.js";

export class KeyedBuckets {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastTake: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perSecond: number,
    private readonly maxKeys = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token for `key`; false when its bucket is empty (or too many keys are tracked). */
  take(key: string): boolean {
    this.forgetRested();
    let entry = this.buckets.get(key);
    if (!entry) {
      if (this.buckets.size >= this.maxKeys) return false;
      entry = { bucket: new TokenBucket(this.capacity, this.perSecond, this.now), lastTake: this.now() };
      this.buckets.set(key, entry);
    }
    entry.lastTake = this.now();
    return entry.bucket.take();
  }

  get size(): number {
    return this.buckets.size;
  }

  /** A bucket untouched for long enough to be full again is the same as no bucket. */
  private forgetRested(): void {
    const refillMs = (this.capacity / this.perSecond) * 1000;
    const since = this.now() - refillMs;
    for (const [key, entry] of this.buckets) {
      if (entry.lastTake > since) break; // insertion order is roughly age order; good enough to stop early
      this.buckets.delete(key);
    }
  }
}

export class KeyedCounter {
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Counts one more for `key`; false (and nothing counted) when it is at its limit. */
  acquire(key: string): boolean {
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limit) return false;
    this.counts.set(key, count + 1);
    return true;
  }

  release(key: string): void {
    const count = (this.counts.get(key) ?? 0) - 1;
    if (count <= 0) this.counts.delete(key);
    else this.counts.set(key, count);
  }

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  get size(): number {
    return this.counts.size;
  }
}
