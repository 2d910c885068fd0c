import { Type } from '@sinclair/typebox';
import { SCOPE_PATTERN } from './scope.js';

export const username = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: '^[A-Za-z0-9._-]+$',
  description: 'letters, digits, dot, dash or underscore',
});
export const password = Type.String({ minLength: 1, maxLength: 256 });
export const newPassword = Type.String({ minLength: 12, maxLength: 256, description: 'at least 12 characters' });
export const userId = Type.String({ format: 'uuid', description: 'an account ID (UUID)' });
export const scope = Type.String({
  pattern: SCOPE_PATTERN,
  maxLength: 300,
  description: "a plant path such as '/' or '/site-1/line-2'",
});
export const roleName = Type.String({
  pattern: '^[a-z][a-z0-9-]{1,40}$',
  description: 'a role name: lower-case letters, digits, dashes',
});
export const reason = Type.String({ minLength: 5, maxLength: 500, description: 'a reason of 5 to 500 characters' });
export const totpCode = Type.String({ pattern: '^[0-9]{6}$', description: 'the 6-digit code from the authenticator' });
export const isoTime = Type.String({ format: 'date-time', description: 'an ISO-8601 UTC time' });
/** A permission's name, `module.action` (the form the permission catalog accepts). */
export const permissionName = Type.String({
  pattern: '^[a-z][a-z-]*(\\.[a-z][a-z-]*)+$',
  maxLength: 100,
  description: 'a declared permission such as audit.read',
});

/** An account or session named in the path (`/api/users/:id/...`, `/api/auth/sessions/:id`). */
export const idParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
