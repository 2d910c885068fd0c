import { Type, type Static } from '@sinclair/typebox';
import { NotFoundError, ValidationError } from '../../../kernel/errors.js';
import { defineCommand } from '../db.js';
import { severitySchema } from '../alerts/views.js';
import type { RuleParams } from './model.js';
import { effectiveRules, shippedRule } from './store.js';

const closed = { additionalProperties: false } as const;
export const RULES_TUNED = 'monitoring.rules-tuned';

const hhmm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$|^24:00$', description: 'HH:MM' });
export const timeWindowSchema = Type.Object(
  { days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { minItems: 1, maxItems: 7 }), from: hhmm, to: hhmm },
  closed,
);

export const ruleParamsSchema = Type.Object(
  {
    privilegedRoles: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 50 })),
    minHistory: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
    historyDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
    toleranceHours: Type.Optional(Type.Integer({ minimum: 0, maximum: 12 })),
    windows: Type.Optional(Type.Array(timeWindowSchema, { maxItems: 50 })),
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  closed,
);

export const ruleView = Type.Object(
  {
    name: Type.String(),
    title: Type.String(),
    description: Type.String(),
    kind: Type.String(),
    enabled: Type.Boolean(),
    severity: severitySchema,
    technique: Type.Union([Type.String(), Type.Null()]),
    threshold: Type.Integer(),
    windowSeconds: Type.Integer(),
    match: Type.Record(Type.String(), Type.Unknown()),
    groupBy: Type.Array(Type.String()),
    distinct: Type.Union([Type.String(), Type.Null()]),
    params: ruleParamsSchema,
    tuned: Type.Boolean(),
  },
  closed,
);

const tuneBody = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    windowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 30 * 86_400 })),
    severity: Type.Optional(severitySchema),
    params: Type.Optional(ruleParamsSchema),
  },
  closed,
);
const name = Type.String({ pattern: '^[a-z0-9-]{1,60}$' });

function validTimeZone(zone: string | undefined): void {
  if (zone === undefined) return;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
  } catch {
    throw new ValidationError(`Unknown time zone ${zone}.`, [
      { path: '/params/timeZone', message: 'an IANA time zone' },
    ]);
  }
}

/** Tunes a shipped rule; what is not given keeps its current value. Audited with the values before and after. */
export const tuneRule = defineCommand({
  name: 'monitoring.rules.tune',
  summary: 'Tune a detection rule (enabled, threshold, window, severity, parameters)',
  input: Type.Composite([Type.Object({ name }), tuneBody], closed),
  output: ruleView,
  errors: ['not_found'],
  permission: 'monitoring.rules.tune',
  http: {
    method: 'POST',
    url: '/api/security/rules/:name',
    params: Type.Object({ name }, closed),
    body: tuneBody,
    toInput: (params, body) => ({ ...(body as object), name: params.name }),
    tags: ['security'],
  },
  async handler(ctx, input) {
    if (!shippedRule(input.name)) throw new NotFoundError(`No detection rule ${input.name}.`);
    validTimeZone(input.params?.timeZone);
    const current = (await effectiveRules(ctx.tx)).find((r) => r.name === input.name)!;
    const params: RuleParams = { ...current.params, ...(input.params ?? {}) };
    const row = {
      name: input.name,
      enabled: (input.enabled ?? current.enabled) ? 1 : 0,
      threshold: input.threshold ?? current.threshold,
      window_seconds: input.windowSeconds ?? current.windowSeconds,
      severity: input.severity ?? current.severity,
      params: JSON.stringify(params),
      updated_at: ctx.now,
      updated_by: ctx.actor.id,
    };
    await ctx.tx.deleteFrom('detection_rules').where('name', '=', input.name).execute();
    await ctx.tx.insertInto('detection_rules').values(row).execute();
    ctx.setTarget({ type: 'detection-rule', id: input.name });
    ctx.recordChange(current, row);
    ctx.emit(RULES_TUNED, { rule: input.name });
    const tuned = (await effectiveRules(ctx.tx)).find((r) => r.name === input.name)!;
    return ruleViewOf(tuned, true);
  },
});

export const ruleViewOf = (
  rule: Awaited<ReturnType<typeof effectiveRules>>[number],
  tuned: boolean,
): Static<typeof ruleView> => ({
  name: rule.name,
  title: rule.title,
  description: rule.description,
  kind: rule.kind,
  enabled: rule.enabled,
  severity: rule.severity,
  technique: rule.technique,
  threshold: rule.threshold,
  windowSeconds: rule.windowSeconds,
  match: { ...rule.match },
  groupBy: rule.groupBy,
  distinct: rule.distinct ?? null,
  params: rule.params,
  tuned,
});
