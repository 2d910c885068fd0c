import type { CommandDefinition } from '../../../kernel/pipeline/types.js';
import type { IdentityDeps } from '../deps.js';
import type { AddressThrottle } from '../throttle.js';
import { bootstrapAdmin } from './bootstrap.js';
import { defineRoleCommand, grantOverrideCommand, grantRoleCommand, revokeRole } from './grants.js';
import { confirmCommand, enrolCommand, resetMfa, verifyCommand } from './mfa.js';
import {
  loginCommand,
  logout,
  revokeOwnSession,
  revokeUserSessions,
  signatureFailed,
  touchSession,
} from './session.js';
import { changePassword, createUser, disableUser, enableUser, expireUser, resetPassword, unlockUser } from './users.js';

export function identityCommands(deps: IdentityDeps, throttle: AddressThrottle): CommandDefinition[] {
  return [
    bootstrapAdmin,
    loginCommand(deps, throttle),
    logout,
    touchSession,
    signatureFailed,
    revokeOwnSession,
    revokeUserSessions,
    changePassword,
    createUser,
    disableUser,
    enableUser,
    unlockUser,
    expireUser,
    resetPassword,
    grantRoleCommand(deps),
    revokeRole,
    defineRoleCommand(deps),
    grantOverrideCommand(deps),
    enrolCommand(deps),
    confirmCommand(deps),
    verifyCommand(deps),
    resetMfa,
  ] as CommandDefinition[];
}
