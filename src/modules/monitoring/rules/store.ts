import type { ReadDb } from '../../../kernel/store.js';
import type { Database } from '../db.js';
import type { Severity } from '../events/model.js';
import { DEFAULT_RULES } from './defaults.js';
import type { DetectionRule, RuleParams } from './model.js';

/** The rules as they run: each shipped rule with a security officer's tuning, if any, laid over it. */
export async function effectiveRules(db: ReadDb<Database>): Promise<DetectionRule[]> {
  const tuned = new Map((await db.selectFrom('detection_rules').selectAll().execute()).map((r) => [r.name, r]));
  return DEFAULT_RULES.map((rule) => {
    const row = tuned.get(rule.name);
    if (!row) return rule;
    return {
      ...rule,
      enabled: Number(row.enabled) === 1,
      threshold: Number(row.threshold),
      windowSeconds: Number(row.window_seconds),
      severity: row.severity as Severity,
      params: { ...rule.params, ...(JSON.parse(row.params) as RuleParams) },
    };
  });
}

export const shippedRule = (name: string): DetectionRule | undefined => DEFAULT_RULES.find((r) => r.name === name);
