import type { Kysely } from 'kysely';
import type { Database } from '../../src/app/database.js';
import { Child } from './children.js';
import { startBareBroker, type IngestBenchEnv } from './env.js';
import { METRICS } from './messages.js';
import type { FromPublisher, ToPublisher } from './publisher.js';
import type { FromSubscriber, ToSubscriber } from './subscriber.js';

export interface RunShape {
  /** DDATA messages each device sends. */
  perDevice: number;
  /** Publishes a client keeps outstanding. */
  window: number;
}

export interface RunResult {
  qos: 0 | 1;
  messages: number;
  ms: number;
  messagesPerSecond: number;
  valuesPerSecond: number;
  /** CPU time of this process (broker, Bastion and its hashing thread) per metric value, in µs. */
  cpuMicrosPerValue: number;
  /** Committed batches and their mean size in rows (Bastion runs only). */
  batches?: number;
  rowsPerBatch?: number;
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

const result = (qos: 0 | 1, messages: number, ms: number, cpu: number, extra: Partial<RunResult> = {}): RunResult => ({
  qos,
  messages,
  ms,
  cpuMicrosPerValue: cpu / (messages * METRICS),
  messagesPerSecond: messages / (ms / 1000),
  valuesPerSecond: (messages * METRICS) / (ms / 1000),
  ...extra,
});

const countRows = async (db: Kysely<Database>) =>
  Number(
    (
      await db
        .selectFrom('ingest_points')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const auditHead = async (db: Kysely<Database>) =>
  Number(
    (
      await db
        .selectFrom('audit_records')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirstOrThrow()
    ).seq ?? 0,
  );

/** Waits until the batches committed after audit record `seq` hold `rows` rows in all. */
async function committed(db: Kysely<Database>, seq: number, rows: number): Promise<void> {
  let [seen, sum] = [seq, 0];
  for (const deadline = Date.now() + 60_000; sum < rows;) {
    if (Date.now() > deadline) throw new Error(`only ${sum} of ${rows} rows committed after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const records = await db.selectFrom('audit_records').select(['seq', 'body']).where('seq', '>', seen).execute();
    for (const r of records) {
      const body = JSON.parse(r.body) as { action: string; details?: { count?: number } };
      if (body.action === 'ingest.batch.commit') sum += body.details?.count ?? 0;
      seen = Math.max(seen, Number(r.seq));
    }
  }
}

async function connectedPublisher(url: string, env: IngestBenchEnv, qos: 0 | 1) {
  const publisher = new Child<ToPublisher, FromPublisher>('publisher.ts');
  const ready = publisher.next('ready');
  publisher.send({ type: 'connect', url, ca: env.ca, devices: env.devices, qos });
  await ready;
  return publisher;
}

/**
 * End to end through Bastion: from "go" until every row is committed. With QoS 1 the last PUBACK already
 * means that (it is sent after the commit; the count checks it); with QoS 0 the rows are counted until
 * they are all there.
 */
export async function measureBastion(env: IngestBenchEnv, qos: 0 | 1, shape: RunShape): Promise<RunResult> {
  const { db } = env.bastion.storage;
  const publisher = await connectedPublisher(env.url, env, qos);
  try {
    await env.ingest.writer.drain();
    const [rowsBefore, seqBefore] = [await countRows(db), await auditHead(db)];
    const messages = shape.perDevice * env.devices.length;
    const expected = rowsBefore + messages * METRICS;
    const done = publisher.next('done');
    const [start, cpu] = [performance.now(), process.cpuUsage()];
    publisher.send({ type: 'go', messages: shape.perDevice, window: shape.window });
    await done;
    // QoS 1: the last PUBACK came after its commit. QoS 0: wait for the batches' audit records (cheap to
    // poll, unlike a count of a growing table) to account for every row.
    if (qos === 0) await committed(db, seqBefore, messages * METRICS);
    const [ms, used] = [performance.now() - start, cpuMicros(cpu)];
    const rows = await countRows(db);
    if (rows !== expected) throw new Error(`expected ${expected} rows, found ${rows} (QoS ${qos})`);
    const batches = (await auditHead(db)) - seqBefore;
    return result(qos, messages, ms, used, { batches, rowsPerBatch: (messages * METRICS) / batches });
  } finally {
    await publisher.close({ type: 'close' });
  }
}

/** The same publishers against a bare aedes, timed from "go" until the subscriber has every DDATA. */
export async function measureBare(env: IngestBenchEnv, qos: 0 | 1, shape: RunShape): Promise<RunResult> {
  const bare = await startBareBroker({ cert: Buffer.from(env.ca), key: env.key });
  const subscriber = new Child<ToSubscriber, FromSubscriber>('subscriber.ts');
  let publisher: Child<ToPublisher, FromPublisher> | undefined;
  try {
    const ready = subscriber.next('ready');
    subscriber.send({ type: 'connect', url: bare.url, ca: env.ca, qos });
    await ready;
    publisher = await connectedPublisher(bare.url, env, qos);
    const messages = shape.perDevice * env.devices.length;
    subscriber.send({ type: 'expect', count: messages });
    const received = subscriber.next('received', 60_000);
    const [start, cpu] = [performance.now(), process.cpuUsage()];
    publisher.send({ type: 'go', messages: shape.perDevice, window: shape.window });
    await received;
    return result(qos, messages, performance.now() - start, cpuMicros(cpu));
  } finally {
    await publisher?.close({ type: 'close' });
    await subscriber.close({ type: 'close' });
    await bare.close();
  }
}
