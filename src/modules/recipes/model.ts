import { Type, type Static } from '@sinclair/typebox';
import { ValidationError } from '../../kernel/errors.js';

export const recipeCode = Type.String({ pattern: '^[A-Z0-9][A-Z0-9._-]{0,39}$', description: 'recipe code' });

export const parameter = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 ._/-]{0,79}$' }),
    unit: Type.String({ pattern: '^[A-Za-z%/0-9.°]{1,12}$' }),
    setPoint: Type.Number(),
    low: Type.Number({ description: 'lowest validated value' }),
    high: Type.Number({ description: 'highest validated value' }),
    critical: Type.Boolean({ description: 'a change needs two approvers; a value out of range holds the lot' }),
  },
  { additionalProperties: false },
);
export const step = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), instruction: Type.String({ maxLength: 5000 }) },
  { additionalProperties: false },
);
export type Parameter = Static<typeof parameter>;
export type Step = Static<typeof step>;

export const content = {
  parameters: Type.Array(parameter, { minItems: 1, maxItems: 500 }),
  steps: Type.Array(step, { maxItems: 200 }),
  reason: Type.String({ minLength: 5, maxLength: 1000, description: 'why this version exists' }),
};

export function checkParameters(parameters: Parameter[]): void {
  const problems = parameters.flatMap((p, i) => {
    const path = `/parameters/${i}`;
    if (p.low > p.high) return [{ path, message: 'low limit above high limit' }];
    if (p.setPoint < p.low || p.setPoint > p.high) return [{ path, message: 'set point outside the validated range' }];
    if (parameters.findIndex((q) => q.name === p.name) !== i) return [{ path, message: 'name used twice' }];
    return [];
  });
  if (problems.length > 0) throw new ValidationError('The parameters do not make sense.', problems);
}

/** What the seal covers: everything that decides what the machine does, and which recipe and version it is. */
export interface SealedContent {
  recipe: string;
  version: number;
  product: string;
  operation: number | null;
  equipmentClass: string | null;
  parameters: Parameter[];
  steps: Step[];
}

export interface ParameterChange {
  name: string;
  change: 'added' | 'removed' | 'changed' | 'same';
  before: Parameter | null;
  after: Parameter | null;
}

/** Equal field by field: the order of a client's JSON keys says nothing about the parameter. */
const sameParameter = (a: Parameter, b: Parameter) =>
  a.name === b.name &&
  a.unit === b.unit &&
  a.setPoint === b.setPoint &&
  a.low === b.low &&
  a.high === b.high &&
  a.critical === b.critical;

/** Side by side, parameter by parameter (by name), in the order of the newer version, removed ones last. */
export function diffParameters(before: Parameter[], after: Parameter[]): ParameterChange[] {
  const old = new Map(before.map((p) => [p.name, p]));
  const rows: ParameterChange[] = after.map((p) => {
    const was = old.get(p.name);
    const same = was !== undefined && sameParameter(was, p);
    return { name: p.name, change: !was ? 'added' : same ? 'same' : 'changed', before: was ?? null, after: p };
  });
  const kept = new Set(after.map((p) => p.name));
  for (const p of before) if (!kept.has(p.name)) rows.push({ name: p.name, change: 'removed', before: p, after: null });
  return rows;
}

/**
 * Two approvers when a critical parameter is new, changed or removed against the version in force (or
 * there is none and the recipe has critical parameters); one otherwise.
 */
export function approvalsRequired(inForce: Parameter[] | null, proposed: Parameter[]): number {
  const changes = diffParameters(inForce ?? [], proposed);
  const critical = changes.some((c) => c.change !== 'same' && (c.before?.critical || c.after?.critical));
  return critical ? 2 : 1;
}
