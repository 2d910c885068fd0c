import { Type } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;
const time = Type.String({ format: 'date-time' });
const nullableTime = Type.Union([time, Type.Null()]);
const nullableText = Type.Union([Type.String(), Type.Null()]);

export const copyView = Type.Object(
  {
    destination: Type.String(),
    status: Type.String({ description: 'written, failed (retried at the next backup run) or removed' }),
    attempts: Type.Integer(),
    bytes: Type.Integer(),
    error: nullableText,
    updatedAt: time,
  },
  closed,
);

export const jobView = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'backup, verify, prune or drill' }),
    status: Type.String({ description: 'running, succeeded, failed or abandoned' }),
    backupId: nullableText,
    requestedBy: Type.String(),
    requestedAt: time,
    finishedAt: nullableTime,
    error: nullableText,
    result: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
    copies: Type.Array(copyView, { description: 'a backup job: its backup at each destination' }),
  },
  closed,
);

export const drillView = Type.Object(
  {
    jobId: Type.String(),
    destination: Type.String(),
    backupId: nullableText,
    status: Type.String({ description: 'passed or failed' }),
    startedAt: time,
    finishedAt: time,
    rpoMs: Type.Union([Type.Integer(), Type.Null()], {
      description: 'age of the restored backup when the drill began',
    }),
    rtoMs: Type.Union([Type.Integer(), Type.Null()], { description: 'time to fetch, decrypt, restore and check it' }),
    checks: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), detail: Type.String() }, closed)),
    error: nullableText,
  },
  closed,
);

export const statusView = Type.Object(
  {
    configured: Type.Boolean(),
    destinations: Type.Array(Type.Object({ name: Type.String(), kind: Type.String() }, closed)),
    quorum: Type.Integer(),
    everyMinutes: Type.Integer(),
    running: Type.Union([
      Type.Object({ id: Type.String(), kind: Type.String(), requestedAt: time }, closed),
      Type.Null(),
    ]),
    lastBackup: Type.Union([jobView, Type.Null()]),
    lastSucceededAt: nullableTime,
    lastDrillPassedAt: nullableTime,
    drillOverdue: Type.Boolean(),
  },
  closed,
);
