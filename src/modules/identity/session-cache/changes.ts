import { sql } from 'kysely';
import type { CommandContext } from '../../../kernel/pipeline/types.js';

/**
 * Published after commit (in-process) by every command that ends a session or changes what a session may do;
 * this instance's session cache forgets what it holds. Payload: `{ sessionId }` when only one session's
 * activity time moved (the touch), else nothing (forget everything).
 */
export const SESSIONS_CHANGED = 'identity.sessions-changed';

/** The PostgreSQL channel the same news travels on to every other process on the database. */
export const SESSIONS_CHANNEL = 'bastion_sessions';

export type ChangeContext = Pick<CommandContext, 'uow' | 'tx' | 'emit'>;

/**
 * Call in the transaction of every change to what authentication reads (a session ended, an account disabled
 * or expired, a password, second factor, grant, custom role or terminal changed). The event reaches this
 * process's cache after commit; on PostgreSQL, NOTIFY reaches the others, also only once the change has
 * committed (a rolled-back command notifies nobody). SQLite needs no message: another process's commit
 * changes the file's data_version, which the cache reads on every request (see freshness.ts).
 */
export async function sessionsChanged(ctx: ChangeContext): Promise<void> {
  ctx.emit(SESSIONS_CHANGED, {});
  if (ctx.uow.storage.dialect === 'postgres') await sql`select pg_notify(${SESSIONS_CHANNEL}, '')`.execute(ctx.tx);
}

/**
 * A session's activity time moved (identity.session.touch): only this process's copy is out of date. Other
 * processes keep an older time, which can only make their idle check stricter, and a refusal is always
 * re-checked against the database (authenticator.ts), so they need no message.
 */
export function sessionTouched(ctx: Pick<CommandContext, 'emit'>, sessionId: string): void {
  ctx.emit(SESSIONS_CHANGED, { sessionId });
}
