/**
 * Failed logins per source address, in memory, over a sliding window. Generous limits: a whole plant may sit
 * behind one NAT address, so this stops a password-spraying source without locking the plant out.
 */
export class AddressThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs = 15 * 60_000,
  ) {}

  blocked(address: string | undefined, now: number): boolean {
    return address !== undefined && this.recent(address, now).length >= this.limit;
  }

  fail(address: string | undefined, now: number): number {
    if (address === undefined) return 0;
    const recent = [...this.recent(address, now), now];
    this.failures.set(address, recent);
    if (this.failures.size > 50_000) this.prune(now);
    return recent.length;
  }

  private recent(address: string, now: number): number[] {
    return (this.failures.get(address) ?? []).filter((at) => at > now - this.windowMs);
  }

  private prune(now: number): void {
    for (const address of this.failures.keys())
      if (this.recent(address, now).length === 0) this.failures.delete(address);
  }
}
