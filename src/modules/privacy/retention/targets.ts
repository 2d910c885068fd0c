import type { PrivacyConfig, RetentionRule } from '../../../kernel/config/privacy.js';
import type { DataCatalog, TableClass } from '../../../kernel/privacy/catalog.js';

export const DAY_MS = 86_400_000;

/** The rule whose rows are not deleted but made unreadable (crypto-shredding) and pseudonymised. */
export const FORMER_STAFF: RetentionRule = 'former-staff';

/** One table a retention rule disposes of, and the time before which its rows have expired. */
export interface RetentionTarget {
  table: string;
  rule: string;
  timeColumn: string;
  /** Epoch ms: rows dated before it are disposed of. */
  cutoff: number;
  entry: TableClass;
}

/**
 * The tables the catalogue gives a retention rule, with the cutoff each rule sets at `now`. Append-only tables
 * (the audit log, batch records) are never disposed of, whatever their entry says: their integrity is the
 * point. A rule kept for ever (null) disposes of nothing. A rule the configuration does not know is a
 * programming error in a catalogue, reported rather than skipped.
 */
export function retentionTargets(catalog: DataCatalog, retention: PrivacyConfig['retention'], now: number) {
  const targets: RetentionTarget[] = [];
  for (const [table, entry] of Object.entries(catalog)) {
    if (entry.retention === undefined || entry.appendOnly) continue;
    const { rule, timeColumn } = entry.retention;
    if (!(rule in retention)) throw new Error(`The catalogue gives ${table} the unknown retention rule ${rule}`);
    const days = retention[rule as RetentionRule];
    if (days === null) continue;
    targets.push({ table, rule, timeColumn, cutoff: now - days * DAY_MS, entry });
  }
  return targets.sort((a, b) => a.table.localeCompare(b.table));
}
