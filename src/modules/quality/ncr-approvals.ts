import { Type, type Static } from '@sinclair/typebox';
import { approvalInputText } from '../../kernel/pipeline/approvals.js';
import type { FieldCipher } from '../../kernel/privacy/cipher.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';

/**
 * A use-as-is disposition proposed but not yet approved: the kernel holds it as a pending approval of
 * `quality.ncr.disposition`, whose input names the report. The NCR screen shows it on the report itself, so the
 * second person decides there, seeing what they approve.
 */
export const pendingDispositionSchema = Type.Object(
  {
    approvalId: Type.String(),
    disposition: Type.String(),
    reason: Type.String(),
    requestedBy: Type.String({ description: 'user name of the person who proposed it' }),
    requestedAt: Type.String(),
    expiresAt: Type.String(),
    approvals: Type.Integer(),
    required: Type.Integer(),
  },
  { additionalProperties: false },
);
export type PendingDisposition = Static<typeof pendingDispositionSchema>;

const DISPOSITION_COMMAND = 'quality.ncr.disposition';

/** Pending dispositions by NCR number (the newest request if several were made). */
export async function pendingDispositions(
  db: ReadDb<Database>,
  now: number,
  cipher: FieldCipher,
): Promise<Map<string, PendingDisposition>> {
  const rows = await db
    .selectFrom('command_approvals as a')
    .leftJoin('users as u', 'u.id', 'a.author_id')
    .select(['a.id', 'a.input', 'a.author_id', 'a.required', 'a.approvers', 'a.created_at', 'a.expires_at'])
    .select('u.username')
    .where('a.command', '=', DISPOSITION_COMMAND)
    .where('a.state', '=', 'pending')
    .where('a.expires_at', '>', now)
    .orderBy('a.created_at')
    .execute();
  const byNcr = new Map<string, PendingDisposition>();
  for (const row of rows) {
    const input = JSON.parse(await approvalInputText(row.input, row.id, cipher)) as {
      ncr: string;
      disposition: string;
      reason: string;
    };
    byNcr.set(input.ncr, {
      approvalId: row.id,
      disposition: input.disposition,
      reason: input.reason,
      requestedBy: row.username ?? row.author_id,
      requestedAt: new Date(Number(row.created_at)).toISOString(),
      expiresAt: new Date(Number(row.expires_at)).toISOString(),
      approvals: (JSON.parse(row.approvers) as string[]).length,
      required: row.required,
    });
  }
  return byNcr;
}
