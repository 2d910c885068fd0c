/**
 * The navigation, in one place: each entry names the permission that makes it useful, so a role sees only what
 * it may do (the server still decides every request; hiding a link is courtesy, not control).
 */
export interface NavEntry {
  to: string;
  label: string;
  permission: string;
}

export interface NavGroup {
  title: string;
  entries: NavEntry[];
}

export const NAV: NavGroup[] = [
  {
    title: 'Shop floor',
    entries: [
      { to: '/operate', label: 'Operator terminal', permission: 'production.orders.execute' },
      { to: '/orders', label: 'Work orders', permission: 'production.orders.read' },
      { to: '/performance', label: 'Performance', permission: 'performance.read' },
    ],
  },
  {
    title: 'Quality and maintenance',
    entries: [
      { to: '/quality', label: 'Quality', permission: 'quality.read' },
      { to: '/maintenance', label: 'Maintenance', permission: 'maintenance.read' },
    ],
  },
  {
    title: 'Engineering',
    entries: [
      { to: '/recipes', label: 'Recipes', permission: 'recipes.read' },
      { to: '/trace', label: 'Traceability', permission: 'genealogy.read' },
    ],
  },
  {
    title: 'Security',
    entries: [{ to: '/security/center', label: 'Security center', permission: 'monitoring.alerts.read' }],
  },
  {
    title: 'Administration',
    entries: [
      { to: '/admin/approvals', label: 'Approvals', permission: 'approval.read' },
      { to: '/admin/overrides', label: 'Overrides', permission: 'identity.override.grant' },
      { to: '/admin/users', label: 'Users and access', permission: 'identity.users.read' },
      { to: '/admin/access', label: 'Roles and access matrix', permission: 'identity.grants.read' },
      { to: '/admin/terminals', label: 'Terminals', permission: 'identity.terminal.read' },
      { to: '/admin/plant', label: 'Plant model', permission: 'plant.read' },
      { to: '/security/devices', label: 'Devices and events', permission: 'ingest.read' },
      { to: '/audit', label: 'Audit log', permission: 'audit.read' },
    ],
  },
];
