import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { toIsoUtc } from '../../../kernel/clock.js';
import type { ModuleContext } from '../../../kernel/module.js';
import { errorResponses } from '../../../http/index.js';
import { SEVERITIES } from '../events/model.js';
import { expiringAccounts, EXPIRING_WITHIN_DAYS, mfaCoverage } from './accounts.js';
import {
  auditRecords,
  lastBackup,
  lastCheckpoint,
  lastDrill,
  lastVerification,
  quarantinedDevices,
  type Outcome,
  type PostureDb,
} from './facts.js';
import { alertFigures, openIncidents, undeliveredByNotifier } from './monitoring.js';

const closed = { additionalProperties: false } as const;
const count = Type.Integer({ minimum: 0 });
const outcome = Type.Union([
  Type.Object({ at: Type.String({ format: 'date-time' }), ok: Type.Boolean() }, closed),
  Type.Null(),
]);
const bySeverity = Type.Object(Object.fromEntries(SEVERITIES.map((s) => [s, count])), closed);

export const postureView = Type.Object(
  {
    alerts: Type.Object({ open: bySeverity, acknowledged: count }, closed),
    openIncidents: count,
    audit: Type.Object(
      {
        records: count,
        lastVerification: outcome,
        lastCheckpoint: Type.Union([
          Type.Object({ at: Type.String({ format: 'date-time' }), records: count }, closed),
          Type.Null(),
        ]),
      },
      closed,
    ),
    backup: Type.Object({ lastBackup: outcome, lastDrill: outcome }, closed),
    quarantinedDevices: count,
    mfa: Type.Object({ privilegedAccounts: count, enrolled: count }, closed),
    expiringAccounts: Type.Object({ withinDays: count, count }, closed),
    notifiers: Type.Array(Type.Object({ notifier: Type.String(), undelivered: count }, closed)),
  },
  closed,
);
type PostureView = Static<typeof postureView>;

const iso = (o: Outcome | null) => (o ? { at: toIsoUtc(o.at), ok: o.ok } : null);

export async function posture(db: PostureDb, now: number): Promise<PostureView> {
  const checkpoint = await lastCheckpoint(db);
  const mfa = await mfaCoverage(db, now);
  return {
    alerts: await alertFigures(db),
    openIncidents: await openIncidents(db),
    audit: {
      records: await auditRecords(db),
      lastVerification: iso(await lastVerification(db)),
      lastCheckpoint: checkpoint ? { at: toIsoUtc(checkpoint.at), records: checkpoint.treeSize } : null,
    },
    backup: { lastBackup: iso(await lastBackup(db)), lastDrill: iso(await lastDrill(db)) },
    quarantinedDevices: await quarantinedDevices(db),
    mfa: { privilegedAccounts: mfa.privileged, enrolled: mfa.enrolled },
    expiringAccounts: { withinDays: EXPIRING_WITHIN_DAYS, count: await expiringAccounts(db, now) },
    notifiers: await undeliveredByNotifier(db),
  };
}

/** The security center's overview: what needs a look now, one answer, counts only (no personal data). */
export function postureRoute(app: FastifyInstance, context: ModuleContext): void {
  const db = context.db as PostureDb;
  app.get(
    '/api/security/posture',
    {
      config: { permission: 'monitoring.alerts.read' },
      schema: {
        tags: ['security'],
        summary: 'Security posture: open alerts and incidents, audit, backups, devices, MFA, expiring accounts',
        operationId: 'monitoring.posture',
        response: { 200: postureView, ...errorResponses },
      },
    },
    async () => posture(db, context.clock.now()),
  );
}
