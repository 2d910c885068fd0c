import { openBenchBastion, type BenchBastion } from '../support/env.js';

/** Far above what a bench can send in a rate-limit window, so the limiter counts but never refuses. */
export const RATE_LIMIT = 100_000_000;

export type AuthBenchEnv = BenchBastion;

/**
 * A fresh Bastion (SQLite, or a throw-away PostgreSQL schema) with the rate limit raised out of the way.
 * BASTION_SESSION_CACHE_SECONDS passes through (0: the session cache off, every request reads its session).
 */
export function openAuthBenchEnv(): Promise<AuthBenchEnv> {
  const cache = process.env.BASTION_SESSION_CACHE_SECONDS;
  return openBenchBastion({
    BASTION_HTTP_RATE_LIMIT: String(RATE_LIMIT),
    ...(cache !== undefined && cache !== '' ? { BASTION_SESSION_CACHE_SECONDS: cache } : {}),
  });
}
