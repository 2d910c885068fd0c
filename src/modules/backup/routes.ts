import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toIsoUtc } from '../../kernel/clock.js';
import { NotFoundError } from '../../kernel/errors.js';
import type { ModuleContext } from '../../kernel/module.js';
import { pageOf, pageQuery } from '../../kernel/pagination.js';
import type { ReadDb } from '../../kernel/store.js';
import { errorResponses } from '../../http/index.js';
import type { Database } from './db.js';
import { historyOf } from './history.js';
import { isConfigured } from './jobs.js';
import { jobById, pageDrills, pageJobs, runningJob } from './queries.js';
import { drillOverdue } from './schedule.js';
import { drillView, jobView, statusView } from './views.js';

const tags = ['backup'];
const read = { permission: 'backup.read' };
const closed = { additionalProperties: false } as const;
const iso = (at: number | null) => (at === null ? null : toIsoUtc(at));

type PageQuery = { limit?: number; cursor?: string };

export function backupRoutes(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as ReadDb<Database>;
  const config = context.config;
  app.get(
    '/api/backups/status',
    {
      config: read,
      schema: {
        tags,
        summary: 'Backups at a glance: destinations, quorum, the last backup, the last passed drill, a job running',
        operationId: 'backup.status',
        response: { 200: statusView, ...errorResponses },
      },
    },
    async () => {
      const history = await historyOf(db);
      const last = (await pageJobs(db, { kind: 'backup' }, { limit: 1 })).items[0] ?? null;
      const count = config.backup.destinations.length;
      return {
        configured: isConfigured(config),
        destinations: config.backup.destinations.map((d) => ({ name: d.name, kind: d.kind })),
        quorum: Math.min(config.backup.quorum ?? count, count),
        everyMinutes: config.backup.everyMinutes,
        running: await runningJob(db),
        lastBackup: last,
        lastSucceededAt: iso(history.lastBackupSucceeded),
        lastDrillPassedAt: iso(history.lastDrillPassed),
        drillOverdue: drillOverdue(history, config, context.clock.now()),
      };
    },
  );
  app.get(
    '/api/backups',
    {
      config: read,
      schema: {
        tags,
        summary:
          'Backup work newest first (backups with their copy at every destination, verifications, prunes, drills)',
        operationId: 'backup.jobs.list',
        querystring: Type.Object(
          {
            kind: Type.Optional(Type.Union(['backup', 'verify', 'prune', 'drill'].map((k) => Type.Literal(k)))),
            ...pageQuery,
          },
          closed,
        ),
        response: { 200: pageOf(jobView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor, kind } = request.query as PageQuery & { kind?: string };
      return pageJobs(db, kind !== undefined ? { kind } : {}, { limit, ...(cursor !== undefined ? { cursor } : {}) });
    },
  );
  app.get(
    '/api/backups/jobs/:id',
    {
      config: read,
      schema: {
        tags,
        summary: 'One piece of backup work, with its outcome',
        operationId: 'backup.jobs.get',
        params: Type.Object({ id: Type.String({ maxLength: 40 }) }, closed),
        response: { 200: jobView, ...errorResponses },
      },
    },
    async (request) => {
      const job = await jobById(db, (request.params as { id: string }).id);
      if (!job) throw new NotFoundError('No backup job has that ID.');
      return job;
    },
  );
  app.get(
    '/api/backups/drills',
    {
      config: read,
      schema: {
        tags,
        summary: 'Restore drills newest first, per destination, with their checks and the RPO and RTO achieved',
        operationId: 'backup.drills.list',
        querystring: Type.Object({ ...pageQuery }, closed),
        response: { 200: pageOf(drillView), ...errorResponses },
      },
    },
    async (request) => {
      const { limit = 50, cursor } = request.query as PageQuery;
      return pageDrills(db, { limit, ...(cursor !== undefined ? { cursor } : {}) });
    },
  );
}
