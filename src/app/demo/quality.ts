import type { DemoRunner } from './history.js';
import { normal, seededRandom } from './random.js';

const INSPECTOR = 'quinn';

export const RIM_PLAN = 'QP-RIM-700C';
export const RIM_CHARACTERISTIC = 'rim-width';
export const WHEEL_PLAN = 'QP-WHEEL-700C';
/** The rim lot whose inspection fails: it is held and a non-conformance report is opened. */
export const FAILING_LOT = 'R-1003-01';

export const demoPlans = [
  {
    code: RIM_PLAN,
    product: 'RIM-700C',
    operation: 20,
    characteristics: [{ name: RIM_CHARACTERISTIC, unit: 'mm', nominal: 19, lower: 18.8, upper: 19.2, subgroupSize: 3 }],
  },
  {
    code: WHEEL_PLAN,
    product: 'WHEEL-700C',
    operation: 20,
    characteristics: [
      { name: 'radial-runout', unit: 'mm', nominal: 0.1, lower: 0, upper: 0.3 },
      { name: 'lateral-runout', unit: 'mm', nominal: 0.1, lower: 0, upper: 0.3 },
    ],
  },
];

interface DemoInspection {
  plan: string;
  order: string;
  lot?: string;
  measurements: { characteristic: string; values: number[] }[];
}

/**
 * 25 subgroups of three rim widths (in control around 19.00 mm, one out of specification on the rims of
 * WO-1003) and 5 wheel run-out checks. Deterministic: the same seed gives the same chart every time.
 */
export function demoInspections(seed = 20_240_917): DemoInspection[] {
  const random = seededRandom(seed);
  const width = () => normal(random, 19.0, 0.035, { min: 18.9, max: 19.1, decimals: 3 });
  const runout = () => normal(random, 0.1, 0.03, { min: 0.02, max: 0.22, decimals: 2 });
  const rims: DemoInspection[] = Array.from({ length: 25 }, (_, i) => ({
    plan: RIM_PLAN,
    order: i < 12 ? 'WO-1002' : i < 21 ? 'WO-1003' : 'WO-1004',
    measurements: [{ characteristic: RIM_CHARACTERISTIC, values: [width(), width(), width()] }],
  }));
  rims[17] = {
    plan: RIM_PLAN,
    order: 'WO-1003',
    lot: FAILING_LOT,
    measurements: [{ characteristic: RIM_CHARACTERISTIC, values: [19.06, 19.27, 19.12] }],
  };
  const wheels: DemoInspection[] = Array.from({ length: 5 }, () => ({
    plan: WHEEL_PLAN,
    order: 'WO-2002',
    lot: 'W-2002-01',
    measurements: [
      { characteristic: 'radial-runout', values: [runout()] },
      { characteristic: 'lateral-runout', values: [runout()] },
    ],
  }));
  return [...rims, ...wheels];
}

export interface QualitySummary {
  plans: number;
  inspections: number;
  failed: number;
  ncrs: string[];
}

/** Inspection plans defined by the quality engineer, then the inspections recorded against them. */
export async function seedQuality(run: DemoRunner): Promise<QualitySummary> {
  for (const plan of demoPlans) await run.as(INSPECTOR, 'quality.plan.define', plan);
  const summary: QualitySummary = { plans: demoPlans.length, inspections: 0, failed: 0, ncrs: [] };
  for (const inspection of demoInspections()) {
    const result = await run.as<{ result: string; ncr: string | null }>(INSPECTOR, 'quality.inspection.record', {
      ...inspection,
    });
    summary.inspections++;
    if (result.result === 'fail') summary.failed++;
    if (result.ncr !== null && result.ncr !== '') summary.ncrs.push(result.ncr);
  }
  return summary;
}
