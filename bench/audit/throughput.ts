import { newId } from '../../src/kernel/ids.js';
import type { CommandPipeline } from '../../src/kernel/pipeline/pipeline.js';
import type { Actor } from '../../src/kernel/pipeline/types.js';
import { BUMP, counterName } from './command.js';
import { fmt, goal, median, rate } from './stats.js';

export const COMMANDS_PER_ROUND = 2000;
const ROUNDS = 7;
const WARM_UP = 500;
/** The goal of issue 17: the audit log costs at most a fifth of a command's throughput. */
export const RATIO_GOAL = 0.8;

const actor: Actor = { kind: 'user', id: newId() };

/**
 * Commands run one after another, as a single client would send them (so group commit has nothing to group):
 * commands per second, and this process's CPU time per command, which other load on the machine disturbs far
 * less than the wall clock (on PostgreSQL it leaves out the server's share).
 */
async function runCommands(pipeline: CommandPipeline, count: number): Promise<{ rate: number; cpuUs: number }> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const origin = { channel: 'http' as const, address: '127.0.0.1', requestId: newId() };
    await pipeline.execute(BUMP, { counter: counterName(i), delta: 1 + (i % 7) }, actor, origin);
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  return { rate: rate(count, ms), cpuUs: (used.user + used.system) / count };
}

export interface ThroughputResult {
  commandsPerRound: number;
  rounds: number;
  auditOn: number[];
  auditOff: number[];
  medianOn: number;
  medianOff: number;
  ratio: number;
  /** Median CPU microseconds per command of this process, audit on and off, and off/on (1 = free). */
  cpuUsOn: number;
  cpuUsOff: number;
  cpuRatio: number;
}

/** Alternates on and off (and which goes first) so drift from other load or a growing database hits both. */
export async function measureThroughput(pipelines: { on: CommandPipeline; off: CommandPipeline }) {
  console.log(`\n1. Command throughput (${BUMP}: validate, update 1 row, insert 1 row)`);
  console.log(`   ${ROUNDS} alternating rounds of ${COMMANDS_PER_ROUND} commands each, after ${WARM_UP} warm-up each`);
  await runCommands(pipelines.on, WARM_UP);
  await runCommands(pipelines.off, WARM_UP);
  const auditOn: number[] = [];
  const auditOff: number[] = [];
  const cpuOn: number[] = [];
  const cpuOff: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const which of order) {
      const measured = await runCommands(pipelines[which], COMMANDS_PER_ROUND);
      (which === 'on' ? auditOn : auditOff).push(measured.rate);
      (which === 'on' ? cpuOn : cpuOff).push(measured.cpuUs);
    }
    console.log(
      `   round ${round + 1}: audit on ${fmt(auditOn[round]!)} commands/s (${cpuOn[round]!.toFixed(0)} µs CPU each), ` +
        `audit off ${fmt(auditOff[round]!)} commands/s (${cpuOff[round]!.toFixed(0)} µs CPU each)`,
    );
  }
  const result: ThroughputResult = {
    commandsPerRound: COMMANDS_PER_ROUND,
    rounds: ROUNDS,
    auditOn,
    auditOff,
    medianOn: median(auditOn),
    medianOff: median(auditOff),
    ratio: median(auditOn) / median(auditOff),
    cpuUsOn: median(cpuOn),
    cpuUsOff: median(cpuOff),
    cpuRatio: median(cpuOff) / median(cpuOn),
  };
  console.log(`   median: audit on ${fmt(result.medianOn)} commands/s, audit off ${fmt(result.medianOff)} commands/s`);
  console.log(`   ratio on/off: ${goal(result.ratio, RATIO_GOAL)}`);
  console.log(
    `   CPU of this process per command: audit on ${result.cpuUsOn.toFixed(1)} µs, off ${result.cpuUsOff.toFixed(1)} µs; ` +
      `off/on ${result.cpuRatio.toFixed(2)}`,
  );
  return result;
}
