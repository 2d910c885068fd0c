import type { CommandContext } from '../../kernel/pipeline/types.js';
import type { Database } from './db.js';
import { checkProcessValues } from '../recipes/index.js';
import { checkSetPoints, type SetPointReading } from '../recipes/index.js';
import type { ValueRow } from './batch-root.js';
import { sameTransaction } from './same-transaction.js';

/**
 * Recipe metrics a machine reports: `<device>/SetPoint/<parameter>` (what it holds: compared with the last
 * download) and `<device>/Process/<parameter>` (what it measures: checked against the validated range).
 */
const FAMILIES = { SetPoint: 'setPoints', Process: 'process' } as const;

export function recipeMetric(metric: string) {
  // Most rows of a batch are other metrics: a substring test spares them the split (this runs per row).
  if (!metric.includes('SetPoint/') && !metric.includes('Process/')) return undefined;
  const parts = metric.split('/');
  const at = parts.findIndex((p) => Object.hasOwn(FAMILIES, p));
  if (at < 0 || at === parts.length - 1) return undefined;
  return {
    device: at === 0 ? null : parts.slice(0, at).join('/'),
    family: FAMILIES[parts[at] as keyof typeof FAMILIES],
    parameter: parts.slice(at + 1).join('/'),
  };
}

export interface RecipeOutcome {
  setPointMismatches: number;
  deviations: number;
  held: number;
}

/** Groups a batch's recipe metrics per equipment and hands them to the recipes module, in the batch's transaction. */
export async function applyRecipeMetrics(
  ctx: CommandContext<Database>,
  rows: readonly ValueRow[],
  resolver: () => Promise<(row: ValueRow, device: string | null) => Promise<string | undefined>>,
): Promise<RecipeOutcome> {
  const outcome: RecipeOutcome = { setPointMismatches: 0, deviations: 0, held: 0 };
  let equipmentOf: ((row: ValueRow, device: string | null) => Promise<string | undefined>) | undefined;
  const groups = new Map<string, { setPoints: SetPointReading[]; process: SetPointReading[] }>();
  for (const row of rows) {
    const found = row.num === null ? undefined : recipeMetric(row.metric);
    if (!found) continue;
    equipmentOf ??= await resolver(); // only batches that carry recipe metrics look devices up
    const equipment = await equipmentOf(row, found.device);
    if (equipment === undefined || equipment === '') continue;
    const group = groups.get(equipment) ?? { setPoints: [], process: [] };
    group[found.family].push({ parameter: found.parameter, value: row.num!, ts: row.ts });
    groups.set(equipment, group);
  }
  for (const [equipment, group] of groups) {
    if (group.setPoints.length > 0)
      outcome.setPointMismatches += (await sameTransaction(checkSetPoints, ctx, equipment, group.setPoints)).mismatches;
    if (group.process.length > 0) {
      const result = await sameTransaction(checkProcessValues, ctx, equipment, group.process);
      outcome.deviations += result.deviations;
      outcome.held += result.held;
    }
  }
  return outcome;
}
