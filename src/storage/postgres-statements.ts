import { createHash } from 'node:crypto';

/**
 * Which SQL texts the PostgreSQL pool sends as named prepared statements. Kysely sends every query unnamed, so
 * the server parses and plans it anew each time; a named statement is parsed once per connection and, after
 * five executions, may keep a generic plan, which skips planning too (0.1 ms of a 0.17 ms proof query).
 *
 * Each name costs every connection a parse tree and a plan for as long as it lives, so names are bounded: a text
 * is named only once it has been seen `threshold` times (one-off texts stay unnamed), and at most `cap` texts are
 * ever named per pool, so texts that vary with their input (an IN list's length) cannot grow the server's memory
 * without limit. The counts themselves are bounded by `tracked`: when that many texts are counted, counting
 * starts over.
 */
export interface StatementNaming {
  threshold: number;
  cap: number;
  tracked: number;
}

export const DEFAULT_STATEMENT_NAMING: StatementNaming = { threshold: 3, cap: 200, tracked: 2_000 };

/**
 * Only a single data statement is worth a name. Transaction control and DDL are not: a parameterless text goes
 * through the simple protocol, which may hold several statements (a migration's), and DDL changes the very
 * tables a kept plan depends on.
 */
const PREPARABLE = /^\s*(?:select|insert|update|delete|with)\b[^;]*$/i;

export class StatementNames {
  private readonly seen = new Map<string, number>();
  private readonly named = new Map<string, string>();
  private readonly names = new Set<string>();

  constructor(private readonly naming: StatementNaming = DEFAULT_STATEMENT_NAMING) {}

  /** How many texts are named: the most statements any one connection of the pool may hold. */
  get size(): number {
    return this.named.size;
  }

  /** The name to send `text` under, or undefined to send it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.named.get(text);
    if (known !== undefined || this.named.size >= this.naming.cap) return known;
    const count = (this.seen.get(text) ?? 0) + 1;
    if (count === 1 && !PREPARABLE.test(text)) return undefined;
    if (count < this.naming.threshold) {
      if (this.seen.size >= this.naming.tracked) this.seen.clear();
      this.seen.set(text, count);
      return undefined;
    }
    this.seen.delete(text);
    const name = `bastion_${createHash('sha256').update(text).digest('base64url').slice(0, 16)}`;
    // pg refuses a name sent with a second text; 96 bits make that astronomically rare, and it stays unnamed.
    if (this.names.has(name)) return undefined;
    this.names.add(name);
    this.named.set(text, name);
    return name;
  }
}
