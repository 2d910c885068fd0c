import { newId } from '../../src/kernel/ids.js';
import type { CommandPipeline } from '../../src/kernel/pipeline/pipeline.js';
import type { Actor } from '../../src/kernel/pipeline/types.js';
import { BUMP, counterName } from './command.js';
import { fmt, goal, median, rate } from './stats.js';

export const COMMANDS_PER_ROUND = 2000;
const ROUNDS = 7;
const WARM_UP = 500;
export const RATIO_GOAL = 0.7;

const actor: Actor = { kind: 'user', id: newId() };

/** Commands run one after another, as a single client would send them; returns commands per second. */
async function runCommands(pipeline: CommandPipeline, count: number): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const origin = { channel: 'http' as const, address: '127.0.0.1', requestId: newId() };
    await pipeline.execute(BUMP, { counter: counterName(i), delta: 1 + (i % 7) }, actor, origin);
  }
  return rate(count, performance.now() - start);
}

export interface ThroughputResult {
  commandsPerRound: number;
  rounds: number;
  auditOn: number[];
  auditOff: number[];
  medianOn: number;
  medianOff: number;
  ratio: number;
}

/** Alternates on and off (and which goes first) so drift from other load or a growing database hits both. */
export async function measureThroughput(pipelines: { on: CommandPipeline; off: CommandPipeline }) {
  console.log(`\n1. Command throughput (${BUMP}: validate, update 1 row, insert 1 row)`);
  console.log(`   ${ROUNDS} alternating rounds of ${COMMANDS_PER_ROUND} commands each, after ${WARM_UP} warm-up each`);
  await runCommands(pipelines.on, WARM_UP);
  await runCommands(pipelines.off, WARM_UP);
  const auditOn: number[] = [];
  const auditOff: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? (['on', 'off'] as const) : (['off', 'on'] as const);
    for (const which of order) {
      const measured = await runCommands(pipelines[which], COMMANDS_PER_ROUND);
      (which === 'on' ? auditOn : auditOff).push(measured);
    }
    console.log(
      `   round ${round + 1}: audit on ${fmt(auditOn[round]!)} commands/s, audit off ${fmt(auditOff[round]!)} commands/s`,
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
  };
  console.log(`   median: audit on ${fmt(result.medianOn)} commands/s, audit off ${fmt(result.medianOff)} commands/s`);
  console.log(`   ratio on/off: ${goal(result.ratio, RATIO_GOAL)}`);
  return result;
}
