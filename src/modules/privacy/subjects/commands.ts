import { Type } from '@sinclair/typebox';
import { ConflictError, ForbiddenError, NotFoundError } from '../../../kernel/errors.js';
import { newId } from '../../../kernel/ids.js';
import type { ModuleContext } from '../../../kernel/module.js';
import { defineCommand, type Actor, type CommandContext } from '../../../kernel/pipeline/types.js';
import type { AnyTables, ReadDb } from '../../../kernel/store.js';
import { eraseAccount } from '../../identity/index.js';
import { auditRecordsOf, collectSubject } from './collect.js';

const closed = { additionalProperties: false } as const;
const subject = Type.String({
  minLength: 1,
  maxLength: 200,
  description: 'the person: a user name, or an account id (an erased account is known by its id only)',
});

interface Person {
  id: string;
  erased_at: number | null;
  is_bootstrap: number;
}

async function personOf(tx: ReadDb<AnyTables>, who: string): Promise<Person> {
  const person = await tx
    .selectFrom('users')
    .select(['id', 'erased_at', 'is_bootstrap'])
    .where((eb) => eb.or([eb('id', '=', who), eb('username', '=', who)]))
    .executeTakeFirst();
  if (!person) throw new NotFoundError(`No person ${who} is known to Bastion.`);
  return person;
}

function erasable(person: Person, who: string, actor: Actor): void {
  if (person.erased_at !== null) throw new ConflictError(`Person ${who} is already erased.`, 'conflict');
  if (person.id === actor.id) throw new ForbiddenError('You cannot erase your own account.', 'forbidden');
  if (person.is_bootstrap === 1)
    throw new ForbiddenError('The bootstrap administrator is the recovery account; it cannot be erased.', 'forbidden');
}

async function register(ctx: CommandContext, kind: string, subjectId: string, summary: object, reason?: string) {
  const id = newId();
  await ctx.tx
    .insertInto('privacy_requests')
    .values({
      id,
      kind,
      subject_id: subjectId,
      requested_by: ctx.actor.id,
      requested_at: ctx.now,
      reason: reason ?? null,
      summary: JSON.stringify(summary),
    })
    .execute();
  ctx.setTarget({ type: 'privacy.subject', id: subjectId });
  ctx.note({ request: id, ...summary });
  return id;
}

const row = Type.Record(Type.String(), Type.Unknown());

/** GDPR Art. 15 / CCPA right to know: everything held about the person, as JSON; recorded in the register. */
export const exportSubject = (context: Pick<ModuleContext, 'catalog'>) =>
  defineCommand({
    name: 'privacy.subject.export',
    summary: 'Export everything Bastion holds about a person (data-subject access request), audited and registered',
    input: Type.Object({ subject }, closed),
    output: Type.Object(
      {
        requestId: Type.String(),
        subjectId: Type.String(),
        erasedAt: Type.Union([Type.String(), Type.Null()]),
        records: Type.Record(Type.String(), Type.Array(row)),
        withheld: Type.Array(Type.String()),
        auditRecords: Type.Integer(),
      },
      closed,
    ),
    errors: ['not_found'],
    permission: 'privacy.subjects.export',
    http: { method: 'POST', url: '/api/privacy/subjects/export', tags: ['privacy'] },
    async handler(ctx, input) {
      const person = await personOf(ctx.tx, input.subject);
      // An erased person: the account is a pseudonymous tombstone and nothing readable about them remains;
      // the audit records that cite the account id are still counted (they are kept, not personal any more).
      const data =
        person.erased_at === null
          ? await collectSubject(ctx.tx, ctx.cipher, context.catalog, person.id)
          : { records: {}, withheld: [], auditRecords: await auditRecordsOf(ctx.tx, person.id) };
      const counts = Object.fromEntries(Object.entries(data.records).map(([t, rows]) => [t, rows.length]));
      const requestId = await register(ctx, 'export', person.id, { rows: counts, auditRecords: data.auditRecords });
      return {
        requestId,
        subjectId: person.id,
        erasedAt: person.erased_at === null ? null : new Date(person.erased_at).toISOString(),
        ...data,
      };
    },
  });

/**
 * GDPR Art. 17 / CCPA right to delete, by crypto-shredding: the person's keys are destroyed, so their data
 * cannot be decrypted anywhere it was copied, while the audit chain that cites their pseudonymous id stays
 * verifiable. Irreversible, so a second person must approve it.
 */
export const eraseSubject = defineCommand({
  name: 'privacy.subject.erase',
  summary: 'Erase a person (crypto-shredding their keys); needs the approval of a second person',
  input: Type.Object({ subject, reason: Type.String({ minLength: 3, maxLength: 500 }) }, closed),
  output: Type.Object(
    {
      requestId: Type.String(),
      subjectId: Type.String(),
      keysShredded: Type.Integer(),
      sessionsDeleted: Type.Integer(),
      recoveryCodesDeleted: Type.Integer(),
      badgesDeleted: Type.Integer(),
      grantsRevoked: Type.Integer(),
    },
    closed,
  ),
  errors: ['not_found', 'conflict', 'forbidden'],
  permission: 'privacy.subjects.erase',
  http: { method: 'POST', url: '/api/privacy/subjects/erase', tags: ['privacy'] },
  // Checked before the request is held (a request that can never run is refused at once) and again when it runs.
  async approvals(input, actor, read) {
    erasable(await personOf(read.db, input.subject), input.subject, actor);
    return 1;
  },
  async handler(ctx, input) {
    const person = await personOf(ctx.tx, input.subject);
    erasable(person, input.subject, ctx.actor);
    const erased = await eraseAccount(ctx, person.id);
    const requestId = await register(ctx, 'erase', person.id, erased, input.reason);
    ctx.emit('privacy.subject-erased', { subjectId: person.id, requestId });
    return { requestId, subjectId: person.id, ...erased };
  },
});
