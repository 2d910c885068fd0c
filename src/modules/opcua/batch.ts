import { Type, type Static } from '@sinclair/typebox';
import { canonicalJson } from '../../kernel/canonical-json.js';
import { newId } from '../../kernel/ids.js';
import { defineCommand, type Database } from './db.js';
import { merkleTreeHash } from '../audit/index.js';

const sample = Type.Object(
  {
    // Connection, equipment and tag come from a validated connection definition, the value from a server.
    connection: Type.String(),
    equipment: Type.String(),
    tag: Type.String(),
    ts: Type.Integer(),
    value: Type.Union([Type.Number(), Type.String(), Type.Boolean()]),
  },
  { additionalProperties: false },
);
const batchInput = Type.Object({ samples: Type.Array(sample, { minItems: 1 }) }, { additionalProperties: false });
export type TagSample = Static<typeof sample>;
const batchOutput = Type.Object({ batchId: Type.String(), count: Type.Integer() }, { additionalProperties: false });

type SampleRow = Database['opcua_samples'];

function toRow(s: TagSample, batchId: string, seq: number): SampleRow {
  const { value } = s;
  return {
    id: newId(),
    batch_id: batchId,
    batch_seq: seq,
    connection: s.connection,
    equipment_path: s.equipment,
    tag: s.tag,
    ts: s.ts,
    kind: typeof value,
    // Booleans are kept as 0/1 with their kind, so a state tag can still be charted.
    value_number: typeof value === 'string' ? null : Number(value),
    value_text: typeof value === 'string' ? value : null,
  };
}

/**
 * A stored sample's leaf in its batch's Merkle tree: the RFC 8785 JSON of the columns that carry its
 * meaning, in a fixed order. Exported so that anyone can recompute a batch root from the stored rows.
 */
export function canonicalSample(
  row: Pick<SampleRow, 'connection' | 'equipment_path' | 'tag' | 'ts' | 'kind' | 'value_number' | 'value_text'>,
): string {
  const number = row.value_number === null ? null : Number(row.value_number);
  return canonicalJson([row.connection, row.equipment_path, row.tag, Number(row.ts), row.kind, number, row.value_text]);
}

function span(rows: SampleRow[]): [number, number] {
  let [first, last] = [Infinity, -Infinity];
  for (const { ts } of rows) [first, last] = [Math.min(first, ts), Math.max(last, ts)];
  return [first, last];
}

/**
 * OPC UA samples go the way Sparkplug batches go (ingest.batch.commit): one internal command, one
 * transaction, one audit record carrying the RFC 9162 Merkle root over the batch's rows in order, so a
 * later change to a stored sample is detectable without an audit record per value.
 */
export const commitSamples = defineCommand({
  name: 'opcua.samples.commit',
  summary: 'Commit a batch of OPC UA samples and chain its Merkle root into the audit log',
  input: batchInput,
  output: batchOutput,
  errors: [],
  permission: 'opcua.batch',
  internal: true,
  async handler(ctx, input) {
    const batchId = newId();
    const rows = input.samples.map((s, i) => toRow(s, batchId, i));
    // Bound each INSERT's parameter count (PostgreSQL allows 65535; SQLite builds may allow less).
    for (let i = 0; i < rows.length; i += 500)
      await ctx.tx
        .insertInto('opcua_samples')
        .values(rows.slice(i, i + 500))
        .execute();
    const [firstTs, lastTs] = span(rows);
    ctx.setTarget({ type: 'opcua.batch', id: batchId });
    ctx.note({
      count: rows.length,
      root: merkleTreeHash(rows.map(canonicalSample)).toString('hex'),
      firstTs,
      lastTs,
      connections: [...new Set(rows.map((r) => r.connection))].sort(),
    });
    return { batchId, count: rows.length };
  },
});
