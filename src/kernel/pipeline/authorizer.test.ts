import { describe, expect, it } from 'vitest';
import { BootstrapAuthorizer } from './authorizer.js';
import { PermissionCatalog } from './permissions.js';
import type { Actor, CommandDefinition } from './types.js';

const catalog = new PermissionCatalog();
catalog.register(
  { name: 'demo.public', description: '', public: true },
  { name: 'demo.console', description: '', console: true },
  { name: 'demo.admin', description: '' },
  { name: 'identity.password.change', description: '' },
);
const authorizer = new BootstrapAuthorizer(catalog);
const user = (extra: Partial<Actor> = {}): Actor => ({ kind: 'user', id: 'u', ...extra });
const allowed = async (actor: Actor, permission: string, command?: Partial<CommandDefinition>) =>
  (await authorizer.authorize({ actor, permission, command: command as CommandDefinition })).allowed;

// IEC 62443-3-3 SR 2.1: authorization enforced for all users, deny by default.
describe('bootstrap authorizer (deny by default)', () => {
  it('denies an ordinary user everything but public permissions', async () => {
    expect(await allowed(user(), 'demo.admin')).toBe(false);
    expect(await allowed(user(), 'demo.console')).toBe(false);
    expect(await allowed(user(), 'demo.public')).toBe(true);
  });

  it('denies permissions nobody declared, even to the bootstrap administrator', async () => {
    expect(await allowed(user({ bootstrap: true }), 'demo.undeclared')).toBe(false);
  });

  it('lets the bootstrap administrator do only the password change while the one-time password stands', async () => {
    expect(await allowed(user({ bootstrap: true, mustChangePassword: true }), 'demo.admin')).toBe(false);
    expect(await allowed(user({ bootstrap: true, mustChangePassword: true }), 'identity.password.change')).toBe(true);
    expect(await allowed(user({ bootstrap: true }), 'demo.admin')).toBe(true);
  });

  it('keeps internal commands for the system actor and the system actor to internal commands', async () => {
    const system: Actor = { kind: 'system', id: 's' };
    expect(await allowed(system, 'demo.admin', { internal: true })).toBe(true);
    expect(await allowed(user({ bootstrap: true }), 'demo.admin', { internal: true })).toBe(false);
    expect(await allowed(system, 'demo.admin')).toBe(false);
  });

  it('gives the local console its console permissions only; anonymous gets public only', async () => {
    expect(await allowed({ kind: 'console', id: 'c' }, 'demo.console')).toBe(true);
    expect(await allowed({ kind: 'console', id: 'c' }, 'demo.admin')).toBe(false);
    expect(await allowed({ kind: 'anonymous', id: 'a' }, 'demo.console')).toBe(false);
    expect(await allowed({ kind: 'anonymous', id: 'a' }, 'demo.public')).toBe(true);
  });
});
