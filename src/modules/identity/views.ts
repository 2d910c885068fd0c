import { Type } from '@sinclair/typebox';

/** The only shape in which an account leaves the API (no hash, no secret). */
export const userView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  kind: Type.String(),
  vendor: Type.Boolean(),
  disabled: Type.Boolean(),
  locked: Type.Boolean(),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  expiresAt: Type.Union([Type.String(), Type.Null()]),
  mfaEnrolled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  createdAt: Type.String(),
});

export const grantView = Type.Object({ role: Type.String(), scope: Type.String() });

export const loginResult = Type.Object({
  token: Type.String(),
  csrfToken: Type.String(),
  sessionId: Type.String(),
  expiresAt: Type.String(),
  mustChangePassword: Type.Boolean(),
  mfa: Type.String(),
});
