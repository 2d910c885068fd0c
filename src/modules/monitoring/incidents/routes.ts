import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '../../../kernel/errors.js';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../../kernel/keyset.js';
import { encodeCursor, pageOf, pageQuery } from '../../../kernel/pagination.js';
import type { ReadDb } from '../../../kernel/store.js';
import { errorResponses } from '../../../http/index.js';
import type { MonitoringTables } from '../schema.js';
import { PLAYBOOKS } from './playbooks.js';
import { incidentRow, incidentStateSchema, incidentView, incidentViews, incidentViewOf } from './views.js';
import { closed, incidentRef } from './work.js';

const READ = 'monitoring.incidents.read';
const BY_OPENED: KeysetOrder = { sort: 'opened_at', id: 'id', direction: 'desc', sortType: 'number' };
const listQuery = Type.Object({ state: Type.Optional(incidentStateSchema), ...pageQuery }, closed);
const playbookView = Type.Object(
  { name: Type.String(), title: Type.String(), steps: Type.Array(Type.String()) },
  closed,
);

/** Incidents newest first, each with its checklist, alerts and timeline (the list is what the web center shows). */
export async function pageIncidents(
  db: ReadDb<MonitoringTables>,
  state: string | undefined,
  limit = 50,
  cursor?: string,
) {
  let query = db.selectFrom('incidents').selectAll();
  if (state !== undefined) query = query.where('state', '=', state);
  if (cursor !== undefined) query = query.where(afterKey(BY_OPENED, keyOfCursor(cursor, BY_OPENED)));
  const rows = await query
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor = rows.length > limit && last ? encodeCursor(keyOfRow(BY_OPENED, last.opened_at, last.id)) : null;
  return { items: await incidentViews(db, page), nextCursor };
}

/** An incident by id or number, or a 404. */
export async function getIncident(db: ReadDb<MonitoringTables>, ref: string) {
  const row = await incidentRow(db, ref);
  if (!row) throw new NotFoundError(`No incident ${ref}.`);
  return incidentViewOf(db, row);
}

export function incidentRoutes(app: FastifyInstance, db: ReadDb<MonitoringTables>): void {
  const schema = (operationId: string, summary: string, extra: object) => ({
    tags: ['security'],
    operationId,
    summary,
    ...extra,
  });
  app.get(
    '/api/security/playbooks',
    {
      config: { permission: READ },
      schema: schema('monitoring.playbooks.list', 'The incident playbooks and their checklists', {
        response: { 200: Type.Object({ items: Type.Array(playbookView) }, closed), ...errorResponses },
      }),
    },
    () => Promise.resolve({ items: PLAYBOOKS.map((p) => ({ name: p.name, title: p.title, steps: [...p.steps] })) }),
  );
  app.get(
    '/api/security/incidents',
    {
      config: { permission: READ },
      schema: schema('monitoring.incidents.list', 'Incidents, newest first', {
        querystring: listQuery,
        response: { 200: pageOf(incidentView), ...errorResponses },
      }),
    },
    async (request) => {
      const { state, limit, cursor } = request.query as typeof listQuery.static;
      return pageIncidents(db, state, limit, cursor);
    },
  );
  app.get(
    '/api/security/incidents/:id',
    {
      config: { permission: READ },
      schema: schema('monitoring.incidents.get', 'One incident, by id or number (INC-0001)', {
        params: Type.Object({ id: incidentRef }, closed),
        response: { 200: incidentView, ...errorResponses },
      }),
    },
    async (request) => getIncident(db, (request.params as { id: string }).id),
  );
}
