import type { ModuleMigration } from '../../kernel/store.js';

/** What monitoring keeps: security events, rule tuning, alerts and their deliveries, incidents. */
export interface MonitoringTables {
  /** One security event (events/model.ts): a login, a denial, a refused device message, a failed backup… */
  security_events: {
    id: string;
    /** When it happened (epoch ms). */
    at: number;
    /** When it was written here: what the detector reads by, across processes and instances. */
    recorded_at: number;
    /** The process that wrote it (a random id per process): a detector reads other processes' events back. */
    recorded_by: string;
    source: string;
    kind: string;
    action: string | null;
    outcome: string;
    severity: string;
    actor_kind: string | null;
    actor_id: string | null;
    device: string | null;
    place: string | null;
    address: string | null;
    target_type: string | null;
    target_id: string | null;
    /** MITRE ATT&CK for ICS technique (e.g. T0859 Valid Accounts), where one fits. */
    technique: string | null;
    /** How many happenings this row stands for (a source that counts repeats). */
    count: number;
    /** A short JSON object of what the source said, never a secret. */
    details: string | null;
  };
  /** A security officer's tuning of a built-in rule (rules/defaults.ts); a rule without a row runs as shipped. */
  detection_rules: {
    name: string;
    enabled: number;
    threshold: number;
    window_seconds: number;
    severity: string;
    /** JSON: the rule's own parameters (roles counted as privileged, change windows…). */
    params: string;
    updated_at: number;
    updated_by: string;
  };
  alerts: {
    id: string;
    rule: string;
    /** What the rule groups by (an account, an address, a device): one open alert per rule and key. */
    group_key: string;
    severity: string;
    title: string;
    technique: string | null;
    state: string; // open | acknowledged | closed
    first_at: number;
    last_at: number;
    /** Security events counted into this alert. */
    count: number;
    /** JSON: the evidence (the last events' ids, the figures that crossed the threshold). */
    summary: string;
    acknowledged_by: string | null;
    acknowledged_at: number | null;
    note: string | null;
    escalated_at: number | null;
    escalation_level: number;
    incident_id: string | null;
    closed_at: number | null;
  };
  /** The outbox: one row per alert (or escalation) and notifier, until it is delivered. */
  alert_deliveries: {
    id: string;
    alert_id: string;
    notifier: string;
    /** raised | escalated */
    reason: string;
    created_at: number;
    attempts: number;
    next_at: number;
    delivered_at: number | null;
    last_error: string | null;
  };
  incidents: {
    id: string;
    /** INC-0001… */
    number: string;
    title: string;
    severity: string;
    state: string; // open | contained | closed
    owner: string | null;
    playbook: string | null;
    opened_at: number;
    opened_by: string;
    closed_at: number | null;
    root_cause: string | null;
    lessons: string | null;
  };
  /** An incident's timeline: opened, alerts linked, notes, actions, playbook steps done, owner, closed. */
  incident_entries: {
    id: string;
    incident_id: string;
    at: number;
    actor: string;
    kind: string;
    text: string;
    /** An alert id, a playbook step number… what the entry refers to. */
    ref: string | null;
  };
  /** The playbook's checklist, copied at opening so a later playbook change does not rewrite history. */
  incident_steps: {
    incident_id: string;
    position: number;
    step: string;
    done_at: number | null;
    done_by: string | null;
  };
}

export const monitoringMigrations: ModuleMigration[] = [
  {
    name: '1500_monitoring',
    async up(db, storage) {
      const big = storage.capabilities.bigIntType;
      await db.schema
        .createTable('security_events')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('recorded_at', big, (c) => c.notNull())
        .addColumn('recorded_by', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('action', 'text')
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('actor_kind', 'text')
        .addColumn('actor_id', 'text')
        .addColumn('device', 'text')
        .addColumn('place', 'text')
        .addColumn('address', 'text')
        .addColumn('target_type', 'text')
        .addColumn('target_id', 'text')
        .addColumn('technique', 'text')
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('details', 'text')
        .execute();
      await db.schema.createIndex('security_events_recorded').on('security_events').column('recorded_at').execute();
      await db.schema.createIndex('security_events_at').on('security_events').columns(['at', 'id']).execute();
      await db.schema.createIndex('security_events_kind').on('security_events').columns(['kind', 'at']).execute();
      await db.schema
        .createTable('detection_rules')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('enabled', 'integer', (c) => c.notNull())
        .addColumn('threshold', 'integer', (c) => c.notNull())
        .addColumn('window_seconds', 'integer', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('rule', 'text', (c) => c.notNull())
        .addColumn('group_key', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('technique', 'text')
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('first_at', big, (c) => c.notNull())
        .addColumn('last_at', big, (c) => c.notNull())
        .addColumn('count', 'integer', (c) => c.notNull())
        .addColumn('summary', 'text', (c) => c.notNull())
        .addColumn('acknowledged_by', 'text')
        .addColumn('acknowledged_at', big)
        .addColumn('note', 'text')
        .addColumn('escalated_at', big)
        .addColumn('escalation_level', 'integer', (c) => c.notNull())
        .addColumn('incident_id', 'text')
        .addColumn('closed_at', big)
        .execute();
      await db.schema.createIndex('alerts_state').on('alerts').columns(['state', 'last_at']).execute();
      await db.schema.createIndex('alerts_rule_key').on('alerts').columns(['rule', 'group_key', 'state']).execute();
      await db.schema
        .createTable('alert_deliveries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('alert_id', 'text', (c) => c.notNull())
        .addColumn('notifier', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_at', big, (c) => c.notNull())
        .addColumn('delivered_at', big)
        .addColumn('last_error', 'text')
        .execute();
      await db.schema
        .createIndex('alert_deliveries_due')
        .on('alert_deliveries')
        .columns(['delivered_at', 'next_at'])
        .execute();
      await db.schema
        .createTable('incidents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('number', 'text', (c) => c.notNull().unique())
        .addColumn('title', 'text', (c) => c.notNull())
        .addColumn('severity', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('owner', 'text')
        .addColumn('playbook', 'text')
        .addColumn('opened_at', big, (c) => c.notNull())
        .addColumn('opened_by', 'text', (c) => c.notNull())
        .addColumn('closed_at', big)
        .addColumn('root_cause', 'text')
        .addColumn('lessons', 'text')
        .execute();
      await db.schema
        .createTable('incident_entries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('ref', 'text')
        .execute();
      await db.schema
        .createIndex('incident_entries_incident')
        .on('incident_entries')
        .columns(['incident_id', 'at'])
        .execute();
      await db.schema
        .createTable('incident_steps')
        .addColumn('incident_id', 'text', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('step', 'text', (c) => c.notNull())
        .addColumn('done_at', big)
        .addColumn('done_by', 'text')
        .addPrimaryKeyConstraint('incident_steps_pk', ['incident_id', 'position'])
        .execute();
    },
  },
];
