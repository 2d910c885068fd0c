import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { defineCommand, type CommandContext } from '../../kernel/pipeline/types.js';
import type { Database } from '../../storage/tables.js';
import { materialByCode, materialCode, type Operation } from './definitions.js';

export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;

/**
 * What a work instruction may be, and how each kind begins. The content must match its declared type: a
 * renamed executable or script is refused, and SVG/HTML (which run script in a browser) are not accepted.
 */
const MEDIA_TYPES: Record<string, (bytes: Buffer) => boolean> = {
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/jpeg': (b) => b.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])),
  'text/plain': (b) => !b.includes(0) && Buffer.from(b.toString('utf8'), 'utf8').equals(b),
};

export type AttachmentRow = Database['production_attachments'];

export function attachmentView(row: Omit<AttachmentRow, 'content'>) {
  return {
    id: row.id,
    operation: row.operation,
    filename: row.filename,
    mediaType: row.media_type,
    size: row.size,
    sha256: row.sha256,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

async function draftOf(ctx: CommandContext, product: string, version: number) {
  const material = await materialByCode(ctx.tx, product);
  const definition = await ctx.tx
    .selectFrom('production_definitions')
    .select(['id', 'state', 'routing'])
    .where('material_id', '=', material.id)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!definition) throw new NotFoundError(`${product} has no version ${version}.`);
  if (definition.state !== 'draft')
    throw new ConflictError(
      `Version ${version} of ${product} is ${definition.state}; attachments are added to drafts only.`,
      'illegal_transition',
    );
  return definition;
}

/** Attaches a work-instruction file to one operation of a draft version; released versions never change. */
export const addAttachment = defineCommand({
  name: 'production.attachment.add',
  summary: 'Attach a work-instruction file (PDF, PNG, JPEG or text) to an operation of a draft version',
  input: Type.Object(
    {
      product: materialCode,
      version: Type.Integer({ minimum: 1 }),
      operation: Type.Integer({ minimum: 1, maximum: 9999 }),
      filename: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,119}$' }),
      mediaType: Type.Union(Object.keys(MEDIA_TYPES).map((t) => Type.Literal(t))),
      content: Type.String({
        pattern: '^[A-Za-z0-9+/]*={0,2}$',
        maxLength: Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4,
        description: 'the file, base64-encoded (at most 8 MiB decoded)',
      }),
    },
    { additionalProperties: false },
  ),
  permission: 'production.definitions.manage',
  async handler(ctx, input) {
    const definition = await draftOf(ctx, input.product, input.version);
    const routing = JSON.parse(definition.routing) as Operation[];
    if (!routing.some((op) => op.sequence === input.operation))
      throw new NotFoundError(`Version ${input.version} of ${input.product} has no operation ${input.operation}.`);
    const content = Buffer.from(input.content, 'base64');
    if (content.length === 0 || !MEDIA_TYPES[input.mediaType]!(content))
      throw new ValidationError(`The file is not a valid ${input.mediaType}.`, [
        { path: '/content', message: `does not match ${input.mediaType}` },
      ]);
    const row: AttachmentRow = {
      id: newId(),
      definition_id: definition.id,
      operation: input.operation,
      filename: input.filename,
      media_type: input.mediaType,
      size: content.length,
      sha256: createHash('sha256').update(content).digest('hex'),
      content,
      created_at: ctx.now,
      created_by: ctx.actor.id,
    };
    await ctx.tx.insertInto('production_attachments').values(row).execute();
    ctx.setTarget({ type: 'production.attachment', id: row.id });
    ctx.note({ product: input.product, version: input.version, filename: row.filename, sha256: row.sha256 });
    return attachmentView(row);
  },
});

/** A new draft starts with the previous version's attachments for the operations it keeps. */
export async function carryAttachments(ctx: CommandContext, fromId: string, toId: string, routing: Operation[]) {
  const previous = await ctx.tx
    .selectFrom('production_attachments')
    .selectAll()
    .where('definition_id', '=', fromId)
    .execute();
  const kept = previous.filter((a) => routing.some((op) => op.sequence === a.operation));
  for (const attachment of kept)
    await ctx.tx
      .insertInto('production_attachments')
      .values({ ...attachment, id: newId(), definition_id: toId, created_at: ctx.now })
      .execute();
}

export async function listAttachments(db: Kysely<Database>, product: string, version: number) {
  const material = await materialByCode(db, product);
  const rows = await db
    .selectFrom('production_attachments as a')
    .innerJoin('production_definitions as d', 'd.id', 'a.definition_id')
    .select([
      'a.id',
      'a.definition_id',
      'a.operation',
      'a.filename',
      'a.media_type',
      'a.size',
      'a.sha256',
      'a.created_at',
      'a.created_by',
    ])
    .where('d.material_id', '=', material.id)
    .where('d.version', '=', version)
    .orderBy('a.operation')
    .orderBy('a.filename')
    .execute();
  return rows.map(attachmentView);
}

export async function attachmentById(db: Kysely<Database>, id: string): Promise<AttachmentRow> {
  const row = await db.selectFrom('production_attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No attachment ${id}.`);
  return { ...row, content: Buffer.from(row.content) };
}
