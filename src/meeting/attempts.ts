/**
 * Wrong meeting passwords per client address: after `limit` failures within
 * `windowMs`, further attempts from that address are refused until the
 * window has passed. Addresses live only here, in memory, and only while
 * they have recent failures: each is forgotten when its window ends.
 */
export class PasswordAttempts {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whether this address may try a password now. */
  allowed(address: string): boolean {
    this.forgetExpired();
    return (this.failures.get(address)?.length ?? 0) < this.limit;
  }

  failed(address: string): void {
    this.forgetExpired();
    this.failures.set(address, [...(this.failures.get(address) ?? []), this.now()]);
    // Nobody may ask again for a while: forget on time anyway.
    setTimeout(() => this.forgetExpired(), this.windowMs + 10).unref();
  }

  /** Number of addresses remembered (for tests). */
  get size(): number {
    return this.failures.size;
  }

  private forgetExpired(): void {
    const since = this.now() - this.windowMs;
    for (const [address, times] of this.failures) {
      const recent = times.filter((t) => t > since);
      if (recent.length === 0) this.failures.delete(address);
      else this.failures.set(address, recent);
    }
  }
}
