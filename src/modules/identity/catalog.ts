import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

// Hashes are one-way, yet a leaked hash can still be attacked offline: confidential, never shown.
const hash = column('confidential', ['credential']);
const time = column('internal');
const flag = column('internal', ['security']);
/** The id of the user who did something: a pseudonym, still personal data. */
const actor = column('internal', ['personal']);

/** People, their credentials, sessions, grants and shop-floor terminals. */
export const identityCatalog: DataCatalog = {
  users: {
    description: 'Accounts of people, vendors and services.',
    subject: 'id',
    // Former staff (expires_at passed) are erased by crypto-shredding, not deleted: the audit log cites their id.
    retention: { rule: 'former-staff', timeColumn: 'expires_at' },
    columns: {
      id: actor,
      username: column('confidential', ['personal']),
      display_name: column('restricted', ['personal'], { purpose: 'personal', bySubject: true }),
      kind: column('internal'),
      vendor: column('internal'),
      password_hash: hash,
      must_change_password: flag,
      is_bootstrap: flag,
      disabled: flag,
      expires_at: time,
      failed_logins: flag,
      locked_until: flag,
      // Sealed by identity's SecretBox: a second factor in clear would defeat MFA.
      totp_secret: column('restricted', ['credential']),
      totp_enabled: flag,
      totp_last_step: flag,
      created_at: time,
      created_by: actor,
      password_changed_at: time,
      erased_at: time,
    },
  },
  sessions: {
    description: 'Sign-in sessions (opaque tokens stored hashed).',
    subject: 'user_id',
    retention: { rule: 'sessions', timeColumn: 'expires_at' },
    columns: {
      id: column('internal', ['security']),
      token_hash: hash,
      csrf_hash: hash,
      user_id: actor,
      created_at: time,
      last_seen_at: column('internal', ['personal', 'security']),
      expires_at: time,
      revoked_at: time,
      mfa_verified_at: flag,
      signed_at: flag,
      signature_failures: flag,
      terminal_id: column('internal', ['security']),
    },
  },
  role_grants: {
    description: 'Roles granted to users, with their plant scope.',
    subject: 'user_id',
    columns: {
      id: column('internal'),
      user_id: actor,
      role: column('internal', ['security']),
      scope: column('internal', ['security']),
      granted_by: actor,
      created_at: time,
      expires_at: time,
      revoked_at: time,
    },
  },
  custom_roles: {
    description: 'Roles defined by the site, with their permissions.',
    rowKey: 'name',
    columns: {
      name: column('internal', ['security']),
      description: column('internal'),
      permissions: column('internal', ['security']),
      created_at: time,
      created_by: actor,
    },
  },
  recovery_codes: {
    description: 'One-time MFA recovery codes (hashed).',
    subject: 'user_id',
    columns: { id: column('internal'), user_id: actor, code_hash: hash, used_at: time, created_at: time },
  },
  overrides: {
    description: 'Time-limited permission overrides granted to a user, with the reason.',
    subject: 'user_id',
    columns: {
      id: column('internal'),
      user_id: actor,
      permission: column('internal', ['security']),
      scope: column('internal', ['security']),
      reason: column('confidential', ['security']),
      granted_by: actor,
      created_at: time,
      expires_at: time,
    },
  },
  terminals: {
    description: 'Shop-floor terminals enrolled on a line.',
    columns: {
      id: column('internal'),
      name: column('internal'),
      line: column('internal', ['process']),
      enrolment_code_hash: hash,
      enrolment_expires_at: time,
      secret_hash: hash,
      enrolled_at: time,
      last_seen_at: time,
      revoked_at: time,
      created_at: time,
      created_by: actor,
    },
  },
  user_badges: {
    description: 'Badges and PINs of operators signing in at terminals.',
    rowKey: 'user_id',
    subject: 'user_id',
    columns: {
      user_id: actor,
      // The index is derived from the badge number, which identifies the person at the door.
      badge_index: column('confidential', ['personal', 'credential']),
      pin_hash: hash,
      failures: flag,
      locked_until: flag,
      assigned_at: time,
      assigned_by: actor,
    },
  },
};
