import type { SessionFacts } from '../sessions.js';

interface Entry {
  facts: SessionFacts;
  loadedAt: number;
}

/**
 * Session facts by token hash, each kept at most `ttlMs` (a backstop: invalidation is the mechanism) and at
 * most `capacity` of them (the oldest loaded go first). Only what the database said is held, never a verdict.
 *
 * A load that began before an invalidation must not store what it read: it may have read the rows just
 * before the change committed. `mark()` before the read and `put(…, mark)` after it keep such a load out.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
  ) {}

  get(tokenHash: string, now: number): SessionFacts | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    // A clock that went back is as suspect as an entry past its time.
    if (now < entry.loadedAt || now - entry.loadedAt >= this.ttlMs) {
      this.entries.delete(tokenHash);
      return undefined;
    }
    return entry.facts;
  }

  mark(): number {
    return this.generation;
  }

  put(tokenHash: string, facts: SessionFacts, now: number, mark: number): void {
    if (mark !== this.generation) return;
    this.entries.delete(tokenHash);
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(tokenHash, { facts, loadedAt: now });
  }

  forget(tokenHash: string): void {
    this.entries.delete(tokenHash);
  }

  /** One session's facts are out of date (its activity time moved). */
  forgetSession(sessionId: string): void {
    this.generation++;
    for (const [key, entry] of this.entries) if (entry.facts.sessionId === sessionId) this.entries.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
