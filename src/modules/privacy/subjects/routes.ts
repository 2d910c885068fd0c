import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toIsoUtc } from '../../../kernel/clock.js';
import { afterKey, keyOfCursor, keyOfRow, type KeysetOrder } from '../../../kernel/keyset.js';
import type { ModuleContext } from '../../../kernel/module.js';
import { pageFrom, pageOf, pageQuery } from '../../../kernel/pagination.js';
import type { ReadDb } from '../../../kernel/store.js';
import { errorResponses } from '../../../http/index.js';
import type { SubjectRequestTables } from './schema.js';

const closed = { additionalProperties: false } as const;
const ORDER: KeysetOrder = { sort: 'requested_at', id: 'id', direction: 'desc', sortType: 'number' };

export const requestView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String(),
    subjectId: Type.String(),
    requestedBy: Type.String(),
    requestedAt: Type.String(),
    reason: Type.Union([Type.String(), Type.Null()]),
    summary: Type.Record(Type.String(), Type.Unknown()),
  },
  closed,
);

type Row = SubjectRequestTables['privacy_requests'];

const viewOf = (r: Row) => ({
  id: r.id,
  kind: r.kind,
  subjectId: r.subject_id,
  requestedBy: r.requested_by,
  requestedAt: toIsoUtc(r.requested_at),
  reason: r.reason,
  summary: JSON.parse(r.summary) as Record<string, unknown>,
});

/** The register of data-subject requests, newest first (optionally for one account). */
export async function pageRequests(
  db: ReadDb<SubjectRequestTables>,
  filter: { subjectId?: string },
  page: { limit: number; cursor?: string },
) {
  let query = db.selectFrom('privacy_requests').selectAll();
  if (filter.subjectId !== undefined) query = query.where('subject_id', '=', filter.subjectId);
  if (page.cursor !== undefined) query = query.where(afterKey(ORDER, keyOfCursor(page.cursor, ORDER)));
  const rows = await query
    .orderBy('requested_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit + 1)
    .execute();
  return pageFrom(rows, page.limit, (r) => keyOfRow(ORDER, r.requested_at, r.id), viewOf);
}

export function subjectRequestRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as ReadDb<SubjectRequestTables>;
  app.get(
    '/api/privacy/requests',
    {
      config: { permission: 'privacy.requests.read' },
      schema: {
        tags: ['privacy'],
        summary: 'The register of data-subject requests (exports and erasures), newest first',
        operationId: 'privacy.requests.list',
        querystring: Type.Object({ subjectId: Type.Optional(Type.String({ maxLength: 40 })), ...pageQuery }, closed),
        response: { 200: pageOf(requestView), ...errorResponses },
      },
    },
    async (request) => {
      const {
        limit = 50,
        cursor,
        subjectId,
      } = request.query as { limit?: number; cursor?: string; subjectId?: string };
      return pageRequests(db, subjectId !== undefined ? { subjectId } : {}, {
        limit,
        ...(cursor !== undefined ? { cursor } : {}),
      });
    },
  );
}
