import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ModuleContext } from '../kernel/module.js';
import type { Actor } from '../kernel/pipeline/types.js';
import { catalogColumnOf } from '../kernel/privacy/classified.js';
import { clearanceFor, MASK, NEVER } from '../kernel/privacy/clearance.js';

type Schema = Record<string, unknown>;
type Visible = ReadonlyMap<string, boolean>;

const CHILD_LISTS = ['anyOf', 'oneOf', 'allOf'] as const;
const annotated = new WeakMap<object, ReadonlySet<string>>();

/**
 * Masking in one place: every answer of every route is walked along its declared response schema, and each
 * field annotated with a catalogue column (kernel/privacy/classified.ts) that the caller's clearance does not
 * cover is replaced by '•••'. Routes only annotate their schemas; none decides for itself.
 */
export function installMasking(app: FastifyInstance, context: ModuleContext): void {
  app.addHook('preSerialization', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const schema = responseSchemaOf(request, reply.statusCode);
    if (schema === undefined) return payload;
    const columns = columnsIn(schema);
    if (columns.size === 0) return payload;
    return mask(payload, schema, await visibility(request.actor, columns, context));
  });
}

function responseSchemaOf(request: FastifyRequest, status: number): Schema | undefined {
  const responses = request.routeOptions.schema?.response as Record<string, Schema> | undefined;
  if (!responses) return undefined;
  return responses[String(status)] ?? responses[`${String(status).charAt(0)}xx`] ?? responses.default;
}

/** Which columns the caller may see: each asks the same authorizer as the pipeline, once per answer. */
async function visibility(actor: Actor, columns: ReadonlySet<string>, context: ModuleContext): Promise<Visible> {
  const held = new Map<string, Promise<boolean>>();
  const holds = (permission: string) => {
    if (!held.has(permission))
      held.set(
        permission,
        actor.kind === 'anonymous'
          ? Promise.resolve(false)
          : context.commands.readScopes(actor, permission).then((s) => s.everywhere || s.paths.length > 0),
      );
    return held.get(permission)!;
  };
  const visible = new Map<string, boolean>();
  for (const column of columns) {
    const needed = clearanceFor(context.catalog, column);
    visible.set(column, needed !== NEVER && (await Promise.all(needed.map(holds))).every(Boolean));
  }
  return visible;
}

/** The catalogue columns annotated anywhere in a schema (cached: schemas are built once, at start). */
function columnsIn(schema: Schema, seen = new Set<object>()): ReadonlySet<string> {
  const cached = annotated.get(schema);
  if (cached) return cached;
  const found = new Set<string>();
  if (seen.has(schema)) return found;
  seen.add(schema);
  const own = catalogColumnOf(schema);
  if (own !== undefined) found.add(own);
  for (const child of childrenOf(schema)) for (const c of columnsIn(child, seen)) found.add(c);
  annotated.set(schema, found);
  return found;
}

function childrenOf(schema: Schema): Schema[] {
  const nested: unknown[] = [
    ...Object.values((schema.properties as Schema | undefined) ?? {}),
    ...Object.values((schema.patternProperties as Schema | undefined) ?? {}),
    schema.additionalProperties,
    schema.items,
    ...CHILD_LISTS.flatMap((k) => (Array.isArray(schema[k]) ? (schema[k] as unknown[]) : [])),
  ];
  return nested.filter((s): s is Schema => typeof s === 'object' && s !== null && !Array.isArray(s));
}

/** A copy of `value` with hidden fields masked; parts holding no annotated field are shared, not copied. */
function mask(value: unknown, schema: Schema, visible: Visible): unknown {
  const column = catalogColumnOf(schema);
  if (column !== undefined && visible.get(column) !== true && value !== null && value !== undefined)
    return typeof value === 'string' ? MASK : null;
  if (columnsIn(schema).size === 0 || value === null || typeof value !== 'object') return value;
  let out: unknown = value;
  for (const key of CHILD_LISTS)
    for (const branch of (schema[key] as Schema[] | undefined) ?? []) out = mask(out, branch, visible);
  if (Array.isArray(out)) {
    const items = schema.items as Schema | undefined;
    return items && typeof items === 'object' ? out.map((item) => mask(item, items, visible)) : out;
  }
  return out !== null && typeof out === 'object' ? maskFields(out as Record<string, unknown>, schema, visible) : out;
}

function maskFields(value: Record<string, unknown>, schema: Schema, visible: Visible): Record<string, unknown> {
  const properties = (schema.properties as Record<string, Schema> | undefined) ?? {};
  const patterns = Object.values((schema.patternProperties as Record<string, Schema> | undefined) ?? {});
  const extra = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined;
  let copy: Record<string, unknown> | undefined;
  for (const [key, field] of Object.entries(value)) {
    const fieldSchema = properties[key] ?? patterns[0] ?? extra;
    if (fieldSchema === undefined) continue;
    const masked = mask(field, fieldSchema, visible);
    if (masked !== field) (copy ??= { ...value })[key] = masked;
  }
  return copy ?? value;
}
