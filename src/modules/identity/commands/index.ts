import type { AnyCommand } from '../../../kernel/pipeline/types.js';
import type { IdentityDeps } from '../deps.js';
import type { AddressThrottle } from '../throttle.js';
import { assignBadgeCommand, changePinCommand } from '../terminals/badges.js';
import { enrolTerminalCommand, registerTerminal, revokeTerminal } from '../terminals/commands.js';
import { signInCommand, type SignInThrottles } from '../terminals/sign-in.js';
import { bootstrapAdmin } from './bootstrap.js';
import { defineRoleCommand, grantOverrideCommand, grantRoleCommand, revokeRoleCommand } from './grants.js';
import { confirmCommand, enrolCommand, resetMfaCommand, verifyCommand } from './mfa.js';
import {
  loginCommand,
  logout,
  revokeOwnSession,
  revokeUserSessionsCommand,
  signatureFailed,
  touchSession,
} from './session.js';
import {
  changePasswordCommand,
  createUser,
  disableUser,
  enableUser,
  expireUser,
  resetPasswordCommand,
  unlockUser,
} from './users.js';

export function identityCommands(
  deps: IdentityDeps,
  throttle: AddressThrottle,
  terminalThrottle: SignInThrottles['terminal'],
): AnyCommand[] {
  return [
    bootstrapAdmin,
    loginCommand(deps, throttle),
    logout,
    touchSession,
    signatureFailed,
    revokeOwnSession,
    revokeUserSessionsCommand(deps),
    changePasswordCommand(deps),
    createUser,
    disableUser(deps),
    enableUser(deps),
    unlockUser(deps),
    expireUser(deps),
    resetPasswordCommand(deps),
    grantRoleCommand(deps),
    revokeRoleCommand(deps),
    defineRoleCommand(deps),
    grantOverrideCommand(deps),
    enrolCommand(deps),
    confirmCommand(deps, throttle),
    verifyCommand(deps, throttle),
    resetMfaCommand(deps),
    registerTerminal,
    revokeTerminal,
    enrolTerminalCommand(throttle),
    signInCommand(deps, { address: throttle, terminal: terminalThrottle }),
    assignBadgeCommand(deps),
    changePinCommand(deps),
  ];
}
