/** A built-in role. Which permissions it holds is declared by each permission (`roles`), module by module. */
export interface RoleDefinition {
  name: string;
  description: string;
  /** Holders must use a second factor: the role can change recipes, users, keys, backups or security settings. */
  mfaRequired: boolean;
  /**
   * After repeated wrong passwords: `lock` the account, or `throttle` and alarm without locking, so that no
   * attacker can lock a line's operators out of their HMI (NIST SP 800-82).
   */
  lockout: 'lock' | 'throttle';
}

export const builtInRoles: RoleDefinition[] = [
  { name: 'operator', description: 'Runs the line at a shop-floor terminal.', mfaRequired: false, lockout: 'throttle' },
  {
    name: 'supervisor',
    description: 'Leads a shift; may authorise a blocked action for a limited time.',
    mfaRequired: false,
    lockout: 'throttle',
  },
  { name: 'process-engineer', description: 'Owns recipes and process parameters.', mfaRequired: true, lockout: 'lock' },
  { name: 'quality', description: 'Inspections, non-conformances, releases.', mfaRequired: false, lockout: 'lock' },
  {
    name: 'maintenance',
    description: 'Maintenance orders and equipment records.',
    mfaRequired: false,
    lockout: 'lock',
  },
  {
    name: 'security-officer',
    description: 'Accounts, sessions, security settings and monitoring.',
    mfaRequired: true,
    lockout: 'lock',
  },
  {
    name: 'auditor',
    description: 'Reads everything that is recorded, including the audit log; changes nothing.',
    mfaRequired: false,
    lockout: 'lock',
  },
  {
    name: 'administrator',
    description: 'Holds every permission; needs a second administrator to grant roles.',
    mfaRequired: true,
    lockout: 'lock',
  },
  {
    name: 'vendor',
    description: 'Contractor or vendor access, always with an expiry.',
    mfaRequired: true,
    lockout: 'lock',
  },
];

export const ADMINISTRATOR = 'administrator';

export function builtInRole(name: string): RoleDefinition | undefined {
  return builtInRoles.find((role) => role.name === name);
}
