import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import type { AuditSearch } from './routes';

export type ListedRecord =
  paths['/api/audit/records']['get']['responses'][200]['content']['application/json']['records'][number];
export type RecordWithProof = paths['/api/audit/records/{seq}']['get']['responses'][200]['content']['application/json'];
export type Checkpoint = paths['/api/audit/checkpoints/latest']['get']['responses'][200]['content']['application/json'];
export type Verification = paths['/api/audit/verification']['get']['responses'][200]['content']['application/json'];

export const PAGE = 25;

/** A local date-time as typed ("2026-12-01T09:30") in UTC ISO form, as the server compares record times. */
export function utcOf(local: string | undefined): string | undefined {
  if (local === undefined) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/**
 * One page of records after `afterSeq`: the server pages by sequence number, so one record more than a page
 * is asked for, and its presence says there is a next page (whose cursor is the last shown sequence number).
 */
export async function recordPage(filters: AuditSearch, cursor: string | undefined) {
  const { records } = await unwrap(
    api.GET('/api/audit/records', {
      params: {
        query: {
          limit: PAGE + 1,
          ...(filters.actor !== undefined && { actorId: filters.actor }),
          ...(filters.action !== undefined && { action: filters.action }),
          ...(filters.target !== undefined && { targetId: filters.target }),
          ...(filters.outcome !== undefined && { outcome: filters.outcome }),
          ...(utcOf(filters.from) !== undefined && { from: utcOf(filters.from) }),
          ...(utcOf(filters.to) !== undefined && { to: utcOf(filters.to) }),
          ...(cursor !== undefined && { afterSeq: Number(cursor) }),
        },
      },
    }),
  );
  const items = records.slice(0, PAGE);
  return { items, nextCursor: records.length > PAGE ? String(items[items.length - 1]!.seq) : null };
}

export const latestCheckpoint = () => unwrap(api.GET('/api/audit/checkpoints/latest'));

export const verification = () => unwrap(api.GET('/api/audit/verification'));

export const recordWithProof = (seq: number) =>
  unwrap(api.GET('/api/audit/records/{seq}', { params: { path: { seq } } }));

/** The hash of the record before `seq` (the chain link its leaf hash starts from). */
export async function previousHash(seq: number): Promise<string | undefined> {
  if (seq === 1) return undefined;
  const { records } = await unwrap(
    api.GET('/api/audit/records', { params: { query: { afterSeq: seq - 2, limit: 1 } } }),
  );
  return records[0]?.seq === seq - 1 ? records[0].hash : undefined;
}

/** The log's checkpoint public key (PEM), fetched as text: it is not JSON. */
export async function publicKeyPem(): Promise<string> {
  const response = await fetch('/api/audit/public-key', { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`The public key could not be read (${response.status}).`);
  return response.text();
}
