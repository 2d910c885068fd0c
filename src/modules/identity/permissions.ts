import type { PermissionDefinition } from '../../kernel/pipeline/permissions.js';

const staff = ['security-officer'];
const readers = ['security-officer', 'auditor'];

export const identityPermissions: PermissionDefinition[] = [
  { name: 'identity.session.create', description: 'Log in with a user name and password.', public: true },
  { name: 'identity.notice.read', description: 'Read the system-use notice shown before login.', public: true },
  { name: 'identity.session.end', description: 'Log out of the current session.', everyone: true },
  { name: 'identity.password.change', description: "Change one's own password.", everyone: true },
  { name: 'identity.me.read', description: "Read one's own account and sessions.", everyone: true },
  { name: 'identity.mfa.manage', description: "Enrol, verify and replace one's own second factor.", everyone: true },
  { name: 'identity.session.revoke-own', description: "End one's own other sessions.", everyone: true },
  {
    name: 'identity.signature.sign',
    description: 'Sign a record electronically (re-entering credentials).',
    everyone: true,
  },
  { name: 'identity.bootstrap', description: 'Create the bootstrap administrator (system only).' },
  { name: 'identity.session.touch', description: 'Record session activity (system only).' },
  { name: 'identity.signature.record', description: 'Record a failed electronic signature (system only).' },
  { name: 'identity.users.read', description: 'List and read accounts.', roles: readers, console: true },
  {
    name: 'identity.users.manage',
    description: 'Create, disable, unlock, reset and expire accounts.',
    roles: staff,
    console: true,
  },
  { name: 'identity.sessions.revoke', description: "End another account's sessions.", roles: staff },
  {
    name: 'identity.grants.read',
    description: 'Read role grants and the permission matrix.',
    roles: readers,
    console: true,
  },
  {
    name: 'identity.grants.manage',
    description: 'Grant and revoke roles at a scope; define custom roles.',
    roles: staff,
    console: true,
  },
  {
    name: 'identity.override.grant',
    description: 'Authorise a blocked action for a limited time, with a reason.',
    roles: ['supervisor'],
  },
  // Shop-floor terminals. Registering, revoking and assigning badges are the administrator's (who holds every
  // permission); the security officer may see which terminals exist and where.
  {
    name: 'identity.terminal.register',
    description: 'Register a shop-floor terminal bound to a line.',
    console: true,
  },
  {
    name: 'identity.terminal.revoke',
    description: "Revoke a terminal's identity and end its sessions.",
    console: true,
  },
  { name: 'identity.terminal.read', description: 'List the registered terminals.', roles: staff, console: true },
  {
    name: 'identity.terminal.enrol',
    description: 'Enrol this browser as a terminal with a one-time enrolment code.',
    public: true,
  },
  { name: 'identity.terminal.current', description: 'Say which terminal this browser is, if any.', public: true },
  {
    name: 'identity.terminal.sign-in',
    description: 'Sign in with badge and PIN at an enrolled terminal.',
    public: true,
  },
  { name: 'identity.badge.assign', description: "Assign or replace an account's badge and PIN.", console: true },
  { name: 'identity.pin.change', description: "Change one's own badge PIN.", everyone: true },
  { name: 'approval.read', description: 'List changes waiting for approval.', everyone: true },
  {
    name: 'approval.decide',
    description: 'Approve or reject a change (the permission of the change itself is checked too).',
    everyone: true,
  },
];
