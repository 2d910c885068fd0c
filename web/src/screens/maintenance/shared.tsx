import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';
import { Badge } from '../../ui/controls';
import type { Option } from '../../ui/select';
import '../../styles/maintenance.css';

export type Order =
  paths['/api/maintenance/orders']['get']['responses'][200]['content']['application/json']['items'][number];
export type Plan =
  paths['/api/maintenance/plans']['get']['responses'][200]['content']['application/json']['items'][number];
export type History = paths['/api/maintenance/history']['get']['responses'][200]['content']['application/json'];

export const ORDERS_KEY = ['maintenance', 'orders'] as const;
export const PLANS_KEY = ['maintenance', 'plans'] as const;
export const HISTORY_KEY = ['maintenance', 'history'] as const;

/** The live places of the plant, for choosing equipment (everyone may read the plant model). */
export function usePlaces() {
  return useQuery({
    queryKey: ['plant', 'nodes'],
    queryFn: () => unwrap(api.GET('/api/plant')),
    select: (data) => data.nodes.filter((n) => !n.retired && n.path !== '/'),
    staleTime: 60_000,
  });
}

/** Places as choices; `machinesOnly` keeps the equipment itself (what breaks down and gets maintained). */
export function placeOptions(nodes: { path: string; name: string; level: string }[] | undefined, machinesOnly = false) {
  return (nodes ?? [])
    .filter((n) => !machinesOnly || n.level === 'equipment' || n.level === 'unit')
    .map((n): Option => ({ value: n.path, label: `${n.name} — ${n.path}` }));
}

export function StateBadge({ state }: { state: string }) {
  const tone = state === 'completed' ? 'good' : state === 'in-progress' ? 'warn' : 'neutral';
  return <Badge tone={tone}>{state}</Badge>;
}

/** Minutes as hours and minutes ("1 h 05 min"), since down time runs from minutes to days. */
export function duration(minutes: number): string {
  const rounded = Math.round(minutes);
  if (rounded < 60) return `${rounded} min`;
  return `${Math.floor(rounded / 60)} h ${String(rounded % 60).padStart(2, '0')} min`;
}

/** The area's three screens, as links (each is its own address, so a screen can be bookmarked and shared). */
export function MaintenanceTabs() {
  const tabs = [
    { to: '/maintenance', label: 'Backlog' },
    { to: '/maintenance/plans', label: 'Preventive plans' },
    { to: '/maintenance/history', label: 'Equipment history' },
  ] as const;
  return (
    <nav className="area-tabs" aria-label="Maintenance">
      <ul>
        {tabs.map((t) => (
          <li key={t.to}>
            <Link to={t.to} activeOptions={{ exact: true, includeSearch: false }}>
              {t.label}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}
