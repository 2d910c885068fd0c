import { useQuery } from '@tanstack/react-query';
import { useId, type ReactNode } from 'react';
import { api, isPending, unwrap, type PendingApproval } from '../../api/client';
import type { paths } from '../../api/schema';
import { Notice } from '../../ui/controls';
import { Select, type Option } from '../../ui/select';
import '../../styles/admin.css';

export type PlantNode = paths['/api/plant']['get']['responses'][200]['content']['application/json']['nodes'][number];
export type Role = paths['/api/roles']['get']['responses'][200]['content']['application/json']['roles'][number];

export const PLANT_KEY = ['plant'] as const;
export const ROLES_KEY = ['roles'] as const;

export function usePlant() {
  return useQuery({ queryKey: PLANT_KEY, queryFn: () => unwrap(api.GET('/api/plant')) });
}

export function useRoles() {
  return useQuery({ queryKey: ROLES_KEY, queryFn: () => unwrap(api.GET('/api/roles')) });
}

/** The enterprise scope: a grant there holds everywhere. */
export const ENTERPRISE = '/';

const depthOf = (path: string) => path.split('/').filter(Boolean).length;

/**
 * Plant scopes as choices, in tree order, each named by its name, level and path; the indentation is written
 * as text ("· ") too, so the depth is not carried by layout alone.
 */
export function scopeOptions(nodes: PlantNode[]): Option[] {
  return [
    { value: ENTERPRISE, label: 'Whole enterprise (/)' },
    ...nodes
      .filter((n) => !n.retired)
      .map((n) => ({
        value: n.path,
        label: `${'· '.repeat(Math.max(0, depthOf(n.path) - 1))}${n.name} (${n.level}) — ${n.path}`,
      })),
  ];
}

export function ScopePicker({
  label,
  value,
  onChange,
  hint,
}: {
  label: string;
  value: string | null;
  onChange: (scope: string) => void;
  hint?: string;
}) {
  const plant = usePlant();
  const options =
    plant.data === undefined ? [{ value: ENTERPRISE, label: 'Whole enterprise (/)' }] : scopeOptions(plant.data.nodes);
  return <Select label={label} options={options} value={value} onChange={onChange} hint={hint} isRequired />;
}

/** What a command that may go to dual approval came to: done (with a message), or waiting for a second person. */
export type Outcome = { kind: 'done'; message: string; secret?: { label: string; value: string } } | PendingOutcome;
interface PendingOutcome {
  kind: 'pending';
  what: string;
  approvalId: string;
}

export function outcomeOf<T>(what: string, result: T | PendingApproval, done: (result: T) => Outcome): Outcome {
  if (isPending(result)) return { kind: 'pending', what, approvalId: result.approvalId };
  return done(result);
}

/** A secret (one-time password, device secret) shown this once: the server keeps only its hash. */
export function OneTimeSecret({ label, value }: { label: string; value: string }) {
  const id = useId();
  return (
    <div className="admin-secret">
      <label htmlFor={id}>{label}</label>
      <input id={id} className="secret" readOnly value={value} size={Math.max(24, value.length + 2)} />
      <span className="hint">Shown only this once: copy it now and hand it over in person.</span>
    </div>
  );
}

export function OutcomeNote({ outcome }: { outcome: Outcome | undefined }) {
  if (outcome === undefined) return null;
  if (outcome.kind === 'pending')
    return (
      <Notice>
        {outcome.what}: sent for approval ({outcome.approvalId}). A second administrator must approve it under Approvals
        before it takes effect.
      </Notice>
    );
  return (
    <div className="admin-outcome">
      <Notice>{outcome.message}</Notice>
      {outcome.secret !== undefined && <OneTimeSecret {...outcome.secret} />}
    </div>
  );
}

/** A definition list of a record's fields (label, value), the value written out as text. */
export function Facts({ items }: { items: [string, ReactNode][] }) {
  return (
    <dl className="admin-facts">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}
