import { cpus, loadavg } from 'node:os';
import { fmt, goal } from './audit/stats.js';
import { openIngestBench } from './ingest/env.js';
import { METRICS } from './ingest/messages.js';
import { measureRawInserts } from './ingest/raw.js';
import { line, measureRounds } from './ingest/rounds.js';
import { measureBastion, type RunShape } from './ingest/runs.js';

const setting = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const DEVICES = setting('BASTION_BENCH_DEVICES', 4);
const MESSAGES = setting('BASTION_BENCH_MESSAGES', 40_000);
const WINDOW = setting('BASTION_BENCH_WINDOW', 1000);
const ROUNDS = setting('BASTION_BENCH_ROUNDS', 2);

/**
 * Device ingestion end to end: Sparkplug B DDATA of 10 metrics from several devices over TLS through
 * Bastion's embedded broker (authenticated, screened, decoded, batched, committed with the batch's Merkle
 * root in the audit log), at QoS 1 and QoS 0; in the same run, a bare aedes relaying the same messages to
 * a subscriber, and raw batched INSERTs of the same rows. The publishers (and the bare run's subscriber)
 * are child processes, so the broker's process measured here does only the broker's work.
 * BASTION_BENCH_MESSAGES (per run, default 40,000), BASTION_BENCH_DEVICES (4), BASTION_BENCH_WINDOW
 * (publishes in flight per client, 1,000), BASTION_BENCH_ROUNDS (interleaved rounds, best kept; 2). Prints readable figures, then one JSON line.
 */
export async function run(): Promise<void> {
  const env = await openIngestBench(DEVICES);
  try {
    const perDevice = Math.ceil(MESSAGES / DEVICES);
    const shape: RunShape = { perDevice, window: WINDOW };
    console.log(`Ingest bench: ${env.backend} (${env.bastion.storage.location})`);
    console.log(
      `Node ${process.version}, ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(2)}; ` +
        `figures move with other load on the machine`,
    );
    console.log(
      `${DEVICES} devices x ${fmt(perDevice)} DDATA of ${METRICS} metrics per run, over TLS, ` +
        `${WINDOW} publishes in flight per client; publishers in one child process`,
    );

    await measureBastion(env, 1, { ...shape, perDevice: Math.ceil(perDevice / 10) }); // warm-up, not reported
    console.log(`\n1. Bastion (authenticated, screened, decoded, batched, committed: publish -> committed)`);
    console.log(`   and a bare aedes (no authentication, no processing, same TLS: publish -> subscriber)`);
    const { bastion, bare, rss, startMb } = await measureRounds(env, shape, ROUNDS);
    console.log(`\n2. Best of ${ROUNDS} rounds`);
    for (const qos of [1, 0] as const) line('Bastion', bastion[qos]);
    for (const qos of [1, 0] as const) line('bare   ', bare[qos]);
    const [q1, q0, bare1, bare0] = [bastion[1], bastion[0], bare[1], bare[0]];
    const peakMb = rss.peakMb;

    console.log(
      `\n3. Raw batched INSERTs of the same rows into ingest_batches and ingest_points (no broker, no audit)`,
    );
    const ids = await env.bastion.storage.db.selectFrom('ingest_devices').select(['id', 'name']).execute();
    const devices = env.devices.map((d) => ({ ...d, id: ids.find((r) => r.name === d.name)!.id }));
    const rowsPerBatch = Math.max(1, Math.round(q1.rowsPerBatch!));
    const raw = await measureRawInserts(env.bastion.storage, env.bastion.logger, devices, perDevice, rowsPerBatch);
    console.log(`   ${fmt(raw.rowsPerSecond)} rows/s (${fmt(raw.rows)} rows, ${fmt(rowsPerBatch)} per transaction)`);

    const split =
      rss.anonMb === undefined
        ? ''
        : ` (private ${rss.anonMb.toFixed(0)} MB, file-backed ${rss.fileMb!.toFixed(0)} MB)`;
    console.log(`\n4. Memory: peak RSS during the Bastion runs ${peakMb.toFixed(0)} MB${split}`);
    if (rss.heapTotalMb !== undefined)
      console.log(
        `   at the peak: V8 heap ${rss.heapTotalMb.toFixed(0)} MB reserved (young generation ` +
          `${rss.newSpaceMb!.toFixed(0)} MB), ${rss.heapUsedMb!.toFixed(0)} MB used; ` +
          `outside it ${rss.externalMb!.toFixed(0)} MB external (${rss.arrayBuffersMb!.toFixed(0)} MB of Buffers)`,
      );
    console.log(`   RSS when the first measured run started: ${startMb.toFixed(0)} MB (code, database caches)`);

    const ratios = {
      bastionToBareQos1: q1.messagesPerSecond / bare1.messagesPerSecond,
      bastionToBareQos0: q0.messagesPerSecond / bare0.messagesPerSecond,
      valuesPerSecondQos1: q1.valuesPerSecond,
      bastionToRawInserts: q1.valuesPerSecond / raw.rowsPerSecond,
    };
    console.log(`\nRatios`);
    console.log(`   committed QoS 1 / bare QoS 1: ${goal(ratios.bastionToBareQos1, 0.5)}`);
    console.log(`   committed QoS 0 / bare QoS 0: ${ratios.bastionToBareQos0.toFixed(2)}`);
    const cpuRatio = q1.cpuMicrosPerValue / bare1.cpuMicrosPerValue;
    console.log(`   CPU per value, Bastion QoS 1 / bare QoS 1 (less sensitive to other load): ${cpuRatio.toFixed(2)}`);
    const enough = ratios.valuesPerSecondQos1 >= 150_000 ? 'met' : 'NOT met';
    console.log(`   committed values/s at QoS 1: ${fmt(ratios.valuesPerSecondQos1)} (goal >= 150,000: ${enough})`);
    console.log(`   committed QoS 1 values/s / raw insert rows/s: ${goal(ratios.bastionToRawInserts, 0.8)}`);
    console.log(`   peak RSS: ${peakMb.toFixed(0)} MB (goal < 300: ${peakMb < 300 ? 'met' : 'NOT met'})`);

    const summary = {
      bench: 'ingest',
      backend: env.backend,
      node: process.version,
      cpus: cpus().length,
      devices: DEVICES,
      window: WINDOW,
      rounds: ROUNDS,
      bastion: { qos1: q1, qos0: q0 },
      bare: { qos1: bare1, qos0: bare0 },
      raw,
      rss: { ...rss, startMb },
      cpuRatioQos1: q1.cpuMicrosPerValue / bare1.cpuMicrosPerValue,
      ratios,
    };
    console.log(`\n${JSON.stringify(summary)}`);
  } finally {
    await env.close();
  }
}
