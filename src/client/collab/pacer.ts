/**
 * Keeps this person's content under the server's budget (a 4 MiB burst,
 * then 1 MiB/s: src/meeting/content-policy.ts), so a presentation streaming
 * in never gets a chunk refused as `rate-limited`. Counted as the server
 * counts: the base64url text of each message, plus a little for sealing.
 * One pacer for all of a person's topics.
 */
/**
 * Well under the server's burst: what waits in the socket (up to 1 MiB, meeting/content.ts) can reach
 * the server in one clump after a stall, and must still fit its budget.
 */
const BURST = 1.5 * 1024 * 1024;
const PER_SECOND = 0.85 * 1024 * 1024;

/** The characters `bytes` of payload take on the wire (base64url of the sealed bytes). */
export function wireSize(bytes: number): number {
  return Math.ceil(((bytes + 28) * 4) / 3);
}

export class Pacer {
  private tokens: number;
  private last: number;

  constructor(
    private readonly burst = BURST,
    private readonly perSecond = PER_SECOND,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Resolves once `bytes` of payload may go out; they are then counted as sent. */
  async take(bytes: number): Promise<void> {
    const cost = Math.min(wireSize(bytes), this.burst);
    for (;;) {
      const now = this.now();
      this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
      this.last = now;
      if (this.tokens >= cost) {
        this.tokens -= cost;
        return;
      }
      await this.sleep(Math.ceil(((cost - this.tokens) / this.perSecond) * 1000));
    }
  }
}
