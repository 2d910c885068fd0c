import type { Actor, Origin } from './pipeline/types.js';

/** Bastion itself: start-up and stop records, bootstrap. Fixed, well-known pseudonymous ID. */
export const SYSTEM_ACTOR: Actor = { kind: 'system', id: '00000000-0000-7000-8000-000000000000' };

/** Whoever runs the CLI on the server with access to the data directory. */
export const CONSOLE_ACTOR: Actor = { kind: 'console', id: '00000000-0000-7000-8000-000000000001' };

export const ANONYMOUS_ACTOR: Actor = { kind: 'anonymous', id: '00000000-0000-7000-8000-0000000000ff' };

export const SYSTEM_ORIGIN: Origin = { channel: 'system' };
export const CLI_ORIGIN: Origin = { channel: 'cli' };
