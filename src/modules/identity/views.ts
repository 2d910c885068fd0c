import { Type } from '@sinclair/typebox';
import { classified } from '../../kernel/privacy/classified.js';

const closed = { additionalProperties: false } as const;

/** The only shape in which an account leaves the API (no hash, no secret). */
export const userView = Type.Object(
  {
    id: Type.String(),
    username: Type.String(),
    displayName: classified(Type.String(), 'users.display_name'),
    kind: Type.String(),
    vendor: Type.Boolean(),
    disabled: Type.Boolean(),
    locked: Type.Boolean(),
    lockedUntil: Type.Union([Type.String(), Type.Null()]),
    expiresAt: Type.Union([Type.String(), Type.Null()]),
    mfaEnrolled: Type.Boolean(),
    mustChangePassword: Type.Boolean(),
    createdAt: Type.String(),
  },
  closed,
);

export const grantView = Type.Object({ role: Type.String(), scope: Type.String() }, closed);

/** Where a session stands on its second factor (see sessions.ts `authenticate`). */
export const mfaState = Type.Union([
  Type.Literal('not-required'),
  Type.Literal('pending'),
  Type.Literal('verified'),
  Type.Literal('enrolment-required'),
]);

export const loginResult = Type.Object(
  {
    token: Type.String(),
    csrfToken: Type.String(),
    sessionId: Type.String(),
    expiresAt: Type.String(),
    mustChangePassword: Type.Boolean(),
    mfa: mfaState,
  },
  closed,
);

/** The answers of the commands that only confirm what they did. */
export const ended = Type.Object({ ended: Type.Boolean() }, closed);
export const userResult = Type.Object({ user: userView }, closed);
export const oneTimePasswordResult = Type.Object({ oneTimePassword: Type.String() }, closed);
