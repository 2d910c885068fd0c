import { Counter, Gauge, type Registry } from 'prom-client';
import {
  auditRecords,
  lastBackup,
  lastCheckpoint,
  lastDrill,
  lastVerification,
  type Outcome,
  type PostureDb,
} from '../posture/facts.js';

const seconds = (ms: number): number => ms / 1000;

/** A gauge computed at each scrape from the database: shared state, the same whichever instance is scraped. */
function gauge(registry: Registry, name: string, help: string, read: (set: (value: number) => void) => Promise<void>) {
  return new Gauge({
    name,
    help,
    registers: [registry],
    async collect() {
      this.reset();
      await read((value) => this.set(value));
    },
  });
}

/** A time and a 0/1 result, both left out (no sample) while nothing has happened yet. */
function outcome(registry: Registry, prefix: string, what: string, read: () => Promise<Outcome | null>, okName = 'ok') {
  gauge(registry, `${prefix}_timestamp_seconds`, `When the last ${what} ended (Unix time).`, async (set) => {
    const last = await read();
    if (last) set(seconds(last.at));
  });
  gauge(registry, `${prefix}_${okName}`, `1 if the last ${what} succeeded, 0 if it failed.`, async (set) => {
    const last = await read();
    if (last) set(last.ok ? 1 : 0);
  });
}

function alerts(db: PostureDb, registry: Registry): void {
  new Counter({
    name: 'bastion_alerts_raised_total',
    help: 'Alerts raised (kept in the alerts table), by rule and severity.',
    labelNames: ['rule', 'severity'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('alerts')
        .select(['rule', 'severity', (eb) => eb.fn.countAll().as('n')])
        .groupBy(['rule', 'severity'])
        .execute();
      this.reset();
      for (const r of rows) this.inc({ rule: r.rule, severity: r.severity }, Number(r.n));
    },
  });
  new Gauge({
    name: 'bastion_alerts_open',
    help: 'Alerts not closed, by severity and state (open or acknowledged).',
    labelNames: ['severity', 'state'],
    registers: [registry],
    async collect() {
      const rows = await db
        .selectFrom('alerts')
        .select(['severity', 'state', (eb) => eb.fn.countAll().as('n')])
        .where('state', '!=', 'closed')
        .groupBy(['severity', 'state'])
        .execute();
      this.reset();
      for (const r of rows) this.set({ severity: r.severity, state: r.state }, Number(r.n));
    },
  });
}

/** Stored state: alerts, the audit log, backups and drills, read at scrape time. */
export function storedState(db: PostureDb, registry: Registry): void {
  alerts(db, registry);
  gauge(registry, 'bastion_audit_records', 'Records in the audit log.', async (set) => set(await auditRecords(db)));
  gauge(
    registry,
    'bastion_audit_last_checkpoint_timestamp_seconds',
    'When the last audit checkpoint was signed (Unix time).',
    async (set) => {
      const last = await lastCheckpoint(db);
      if (last) set(seconds(last.at));
    },
  );
  gauge(
    registry,
    'bastion_audit_last_checkpoint_records',
    'Records covered by the last audit checkpoint (tree size).',
    async (set) => {
      const last = await lastCheckpoint(db);
      if (last) set(last.treeSize);
    },
  );
  outcome(registry, 'bastion_audit_last_verification', 'verification of the audit chain', () => lastVerification(db));
  gauge(
    registry,
    'bastion_backup_last_success_timestamp_seconds',
    'When the last successful backup ended (Unix time).',
    async (set) => {
      const last = await lastBackup(db, 'succeeded');
      if (last) set(seconds(last.at));
    },
  );
  outcome(registry, 'bastion_backup_last_drill', 'restore drill', () => lastDrill(db), 'passed');
}
