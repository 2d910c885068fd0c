import { createHash } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import { ConflictError, NotFoundError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import { type CommandContext } from '../../kernel/pipeline/types.js';
import { defineCommand } from './db.js';
import type { ReadDb } from '../../kernel/store.js';
import type { Database } from './db.js';
import { checkContent, MEDIA_TYPES, normaliseFileName } from './attachment-files.js';
import { materialByCode, materialCode, type Operation } from './definitions.js';

/*
 * Reads take `ReadDb<DB>` for any `DB` holding the tables they read, and look at it with just those tables:
 * TypeScript compares two `ReadDb` instantiations as invariant in their tables, so a module's handle (with more
 * tables) would not be accepted otherwise, though reading a subset of a handle's tables is always safe.
 */

export const MAX_ATTACHMENT_BYTES = 8 * 1024 * 1024;

export type AttachmentRow = Database['production_attachments'];

export const attachmentOutput = Type.Object(
  {
    id: Type.String(),
    operation: Type.Integer(),
    filename: Type.String(),
    mediaType: Type.String(),
    size: Type.Integer(),
    sha256: Type.String(),
    createdAt: Type.String(),
  },
  { additionalProperties: false },
);

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

async function draftOf(ctx: CommandContext<Database>, product: string, version: number) {
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
      filename: Type.String({
        minLength: 1,
        maxLength: 1024,
        description: 'the file name; a path before it is dropped, the rest stored in NFC (at most 120 characters)',
      }),
      mediaType: Type.Union(MEDIA_TYPES.map((t) => Type.Literal(t))),
      content: Type.String({
        pattern: '^[A-Za-z0-9+/]*={0,2}$',
        maxLength: Math.ceil(MAX_ATTACHMENT_BYTES / 3) * 4,
        description: 'the file, base64-encoded (at most 8 MiB decoded)',
      }),
    },
    { additionalProperties: false },
  ),
  output: attachmentOutput,
  // validation_failed: the file name, or content that is not what its type and name say.
  errors: ['not_found', 'illegal_transition', 'validation_failed'],
  http: {
    method: 'POST',
    url: '/api/products/versions/attachments',
    // The body carries the file in base64 (4/3 of its size) plus the JSON around it.
    bodyLimit: Math.ceil(MAX_ATTACHMENT_BYTES * 1.4) + 4096,
  },
  permission: 'production.definitions.manage',
  async handler(ctx, input) {
    const definition = await draftOf(ctx, input.product, input.version);
    const routing = JSON.parse(definition.routing) as Operation[];
    if (!routing.some((op) => op.sequence === input.operation))
      throw new NotFoundError(`Version ${input.version} of ${input.product} has no operation ${input.operation}.`);
    const filename = normaliseFileName(input.filename);
    const content = Buffer.from(input.content, 'base64');
    checkContent(filename, input.mediaType, content);
    const row: AttachmentRow = {
      id: newId(),
      definition_id: definition.id,
      operation: input.operation,
      filename,
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
export async function carryAttachments(
  ctx: CommandContext<Database>,
  fromId: string,
  toId: string,
  routing: Operation[],
) {
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

export async function listAttachments<DB extends Database>(handle: ReadDb<DB>, product: string, version: number) {
  const db = handle as unknown as ReadDb<Database>;
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

export async function attachmentById<DB extends Database>(handle: ReadDb<DB>, id: string): Promise<AttachmentRow> {
  const db = handle as unknown as ReadDb<Database>;
  const row = await db.selectFrom('production_attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw new NotFoundError(`No attachment ${id}.`);
  return { ...row, content: Buffer.from(row.content) };
}
