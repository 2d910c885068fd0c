import { AppError } from '../kernel/errors.js';

/**
 * The database cannot be reached (a restart, a failover, a network cut). A 503 the caller may retry: with
 * an idempotency key a retried command never runs twice. The cause (host, error code) stays in the log.
 */
export class DatabaseUnavailableError extends AppError {
  constructor(cause: unknown) {
    super('database_unavailable', 503, 'The database is unavailable; retry shortly.', undefined, { cause });
  }
}

/** SQLSTATEs and socket errors that mean the connection, not the statement, failed. */
const LOST_CONNECTION_CODES = new Set([
  '57P01', // admin_shutdown: the server is stopping or restarting (pg_ctl stop -m fast)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: starting up or shutting down
  '53300', // too_many_connections
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** node-postgres reports a dead socket with these messages and no code. */
const LOST_CONNECTION_MESSAGES =
  /Connection terminated|not queryable|timeout exceeded when trying to connect|Connection ended unexpectedly/;

export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (LOST_CONNECTION_CODES.has(code) || code.startsWith('08'))) return true;
  return LOST_CONNECTION_MESSAGES.test(error.message);
}
