import { api, execute } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<Op> = Op extends { responses: { 200: infer R } } ? Json<R> : never;

export type RecipeItem = Ok<paths['/api/recipes']['get']>['items'][number];
export type VersionSummary = Ok<paths['/api/recipes/{code}/versions']['get']>['items'][number];
export type MaskedVersion = Ok<paths['/api/recipes/{code}/versions/{version}']['get']>;
export type MaskedDiff = Ok<paths['/api/recipes/{code}/diff']['get']>;
export type OrderStatus = Ok<paths['/api/orders/{number}/recipe-status']['get']>;
export type Approval = VersionSummary['approvals'][number];

/** A parameter with its values, or with them withheld (null) for a reader without recipe clearance. */
export interface ShownParameter {
  name: string;
  unit: string;
  critical: boolean;
  // Absent or null when withheld: the masked form carries no value at all.
  setPoint?: number | null;
  low?: number | null;
  high?: number | null;
}

type ReadBody = NonNullable<paths['/api/recipes/read']['post']['requestBody']>['content']['application/json'];

/** The audited read of full values (a command: authorised, audited with its reason, watermarked). */
export const readFull = (body: ReadBody) => execute(api.POST('/api/recipes/read', { body }));
export type FullRead = Awaited<ReturnType<typeof readFull>>;

export const MASKED_TEXT = 'hidden: needs recipe clearance';

export const STATE_LABELS: Record<string, string> = {
  draft: 'Draft',
  'in-review': 'In review',
  approved: 'Approved',
  effective: 'Effective',
  superseded: 'Superseded',
  retired: 'Retired',
  blocked: 'Blocked (seal broken)',
};

export const stateLabel = (state: string | null | undefined) =>
  state === null || state === undefined ? '—' : (STATE_LABELS[state] ?? state);

export const stateTone = (state: string | null | undefined): 'good' | 'bad' | 'warn' | 'neutral' =>
  state === 'effective' || state === 'approved'
    ? 'good'
    : state === 'blocked'
      ? 'bad'
      : state === 'in-review' || state === 'draft'
        ? 'warn'
        : 'neutral';

/**
 * The seal as text: a blocked version's content no longer matched its seal when it was verified (at activation,
 * issue or download); otherwise a version is sealed once its last approval is given, or not yet.
 */
export function sealText(state: string, seal: string | null): { text: string; tone: 'good' | 'bad' | 'neutral' } {
  if (state === 'blocked') return { text: 'Broken: content changed outside Bastion', tone: 'bad' };
  if (seal !== null && seal !== '') return { text: `Sealed (${seal.slice(0, 12)}…)`, tone: 'good' };
  return { text: 'Not sealed (not yet approved)', tone: 'neutral' };
}

export const recipesKey = ['recipes'] as const;
export const versionsKey = (code: string) => ['recipes', code, 'versions'] as const;

/** "quinn (Quinn Quality), approved, 1 Dec 2026, 18:20": the manifestation of an electronic signature. */
export const signerText = (a: Approval) => `${a.name} (${a.signer})`;

export type VersionState = NonNullable<NonNullable<paths['/api/recipes']['get']['parameters']['query']>['state']>;

/** A reason for a state change or an audited read: five characters at least, as the server requires. */
export const reasonError = (reason: string) =>
  reason.trim().length >= 5 ? undefined : 'Say why, in five characters or more.';
