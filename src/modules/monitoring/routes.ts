import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toIsoUtc } from '../../kernel/clock.js';
import { NotFoundError } from '../../kernel/errors.js';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../kernel/keyset.js';
import type { ModuleContext } from '../../kernel/module.js';
import { pageFrom, pageOf, pageQuery } from '../../kernel/pagination.js';
import type { ReadDb } from '../../kernel/store.js';
import { errorResponses } from '../../http/index.js';
import { alertView, alertViewOf, severitySchema } from './alerts/views.js';
import type { Database } from './db.js';
import { eventOf } from './events/rows.js';
import { ruleView, ruleViewOf } from './rules/commands.js';
import { effectiveRules } from './rules/store.js';

const closed = { additionalProperties: false } as const;
const BY_LAST: KeysetOrder = { sort: 'last_at', id: 'id', direction: 'desc', sortType: 'number' };
const BY_AT: KeysetOrder = { sort: 'at', id: 'id', direction: 'desc', sortType: 'number' };
const time = Type.String({ format: 'date-time' });

export const securityEventView = Type.Object(
  {
    id: Type.String(),
    at: Type.String(),
    source: Type.String(),
    kind: Type.String(),
    action: Type.Union([Type.String(), Type.Null()]),
    outcome: Type.String(),
    severity: severitySchema,
    actor: Type.Union([Type.Object({ kind: Type.String(), id: Type.String() }, closed), Type.Null()]),
    device: Type.Union([Type.String(), Type.Null()]),
    place: Type.Union([Type.String(), Type.Null()]),
    address: Type.Union([Type.String(), Type.Null()]),
    target: Type.Union([Type.Object({ type: Type.String(), id: Type.String() }, closed), Type.Null()]),
    technique: Type.Union([Type.String(), Type.Null()]),
    count: Type.Integer(),
    details: Type.Record(Type.String(), Type.Unknown()),
  },
  closed,
);

const alertQuery = Type.Object(
  {
    state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('acknowledged'), Type.Literal('closed')])),
    severity: Type.Optional(severitySchema),
    rule: Type.Optional(Type.String({ maxLength: 60 })),
    ...pageQuery,
  },
  closed,
);

const eventQuery = Type.Object(
  {
    kind: Type.Optional(Type.String({ maxLength: 80 })),
    source: Type.Optional(Type.String({ maxLength: 40 })),
    actorId: Type.Optional(Type.String({ maxLength: 40 })),
    address: Type.Optional(Type.String({ maxLength: 64 })),
    device: Type.Optional(Type.String({ maxLength: 80 })),
    severity: Type.Optional(severitySchema),
    from: Type.Optional(time),
    to: Type.Optional(time),
    ...pageQuery,
  },
  closed,
);

type AlertFilter = { state?: string; severity?: string; rule?: string };

export async function pageAlerts(db: ReadDb<Database>, filter: AlertFilter, page: { limit: number; cursor?: string }) {
  let query = db.selectFrom('alerts').selectAll();
  if (filter.state !== undefined) query = query.where('state', '=', filter.state);
  if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
  if (filter.rule !== undefined) query = query.where('rule', '=', filter.rule);
  if (page.cursor !== undefined) query = query.where(afterKey(BY_LAST, keyOfCursor(page.cursor, BY_LAST)));
  const rows = await query
    .orderBy('last_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(rows, page.limit, (r) => keyOfRow(BY_LAST, r.last_at, r.id), alertViewOf);
}

type EventFilter = Omit<typeof eventQuery.static, 'limit' | 'cursor'>;

export async function pageEvents(db: ReadDb<Database>, filter: EventFilter, page: { limit: number; cursor?: string }) {
  let query = db.selectFrom('security_events').selectAll();
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.source !== undefined) query = query.where('source', '=', filter.source);
  if (filter.actorId !== undefined) query = query.where('actor_id', '=', filter.actorId);
  if (filter.address !== undefined) query = query.where('address', '=', filter.address);
  if (filter.device !== undefined) query = query.where('device', '=', filter.device);
  if (filter.severity !== undefined) query = query.where('severity', '=', filter.severity);
  if (filter.from !== undefined) query = query.where('at', '>=', Date.parse(filter.from));
  if (filter.to !== undefined) query = query.where('at', '<', Date.parse(filter.to));
  if (page.cursor !== undefined) query = query.where(afterKey(BY_AT, keyOfCursor(page.cursor, BY_AT)));
  const rows = await query
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(
    rows,
    page.limit,
    (r) => keyOfRow(BY_AT, r.at, r.id),
    (r) => {
      const event = eventOf(r);
      return { ...event, at: toIsoUtc(event.at) };
    },
  );
}

/** Alerts, detection rules and security events, for the security center and the CLI. */
export function monitoringRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as ReadDb<Database>;
  app.get(
    '/api/security/alerts',
    {
      config: { permission: 'monitoring.alerts.read' },
      schema: {
        tags: ['security'],
        summary: 'Alerts, most recently seen first',
        operationId: 'monitoring.alerts.list',
        querystring: alertQuery,
        response: { 200: pageOf(alertView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as typeof alertQuery.static;
      return pageAlerts(db, filter, { limit, ...(cursor !== undefined ? { cursor } : {}) });
    },
  );
  app.get(
    '/api/security/alerts/:id',
    {
      config: { permission: 'monitoring.alerts.read' },
      schema: {
        tags: ['security'],
        summary: 'One alert',
        operationId: 'monitoring.alerts.get',
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }, closed),
        response: { 200: alertView, ...errorResponses },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const row = await db.selectFrom('alerts').selectAll().where('id', '=', id).executeTakeFirst();
      if (!row) throw new NotFoundError(`No alert ${id}.`);
      return alertViewOf(row);
    },
  );
  app.get(
    '/api/security/rules',
    {
      config: { permission: 'monitoring.rules.read' },
      schema: {
        tags: ['security'],
        summary: 'The detection rules as they run, with their tuning',
        operationId: 'monitoring.rules.list',
        response: { 200: Type.Object({ items: Type.Array(ruleView) }, closed), ...errorResponses },
      },
    },
    async () => {
      const tuned = new Set((await db.selectFrom('detection_rules').select('name').execute()).map((r) => r.name));
      return { items: (await effectiveRules(db)).map((rule) => ruleViewOf(rule, tuned.has(rule.name))) };
    },
  );
  app.get(
    '/api/security/events',
    {
      config: { permission: 'monitoring.events.read' },
      schema: {
        tags: ['security'],
        summary: 'Search security events, newest first',
        operationId: 'monitoring.events.list',
        querystring: eventQuery,
        response: { 200: pageOf(securityEventView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, ...filter } = request.query as typeof eventQuery.static;
      return pageEvents(db, filter, { limit, ...(cursor !== undefined ? { cursor } : {}) });
    },
  );
}
