/**
 * Wrong meeting passwords per client address: after `limit` failures within
 * `windowMs`, further attempts from that address are refused until the
 * window has passed. Addresses live only here, in memory, and only while
 * they have recent failures.
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
    return this.recent(address).length < this.limit;
  }

  failed(address: string): void {
    this.failures.set(address, [...this.recent(address), this.now()]);
  }

  private recent(address: string): number[] {
    const since = this.now() - this.windowMs;
    const kept = (this.failures.get(address) ?? []).filter((t) => t > since);
    if (kept.length === 0) this.failures.delete(address);
    else this.failures.set(address, kept);
    return kept;
  }
}
