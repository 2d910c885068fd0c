import { openBenchBastion, type BenchBastion } from '../support/env.js';

export const DEFAULT_SCALE = 1_000_000;

export interface BenchEnv extends BenchBastion {
  /** Audit records the log should hold for the verification and proof sections. */
  scale: number;
}

export function scaleFromEnv(text = process.env.BASTION_BENCH_SCALE): number {
  if (text === undefined || text === '') return DEFAULT_SCALE;
  const scale = Number(text);
  if (!Number.isSafeInteger(scale) || scale < 1) throw new Error(`BASTION_BENCH_SCALE must be a positive integer`);
  return scale;
}

export async function openBenchEnv(): Promise<BenchEnv> {
  const scale = scaleFromEnv();
  return { ...(await openBenchBastion()), scale };
}
