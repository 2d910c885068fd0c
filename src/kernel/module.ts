import type { Static, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Clock } from './clock.js';
import type { BastionConfig } from './config/schema.js';
import type { EventBus } from './events.js';
import type { HealthConditions } from './health.js';
import type { KeyStore } from './keys/key-store.js';
import type { PermissionCatalog, PermissionDefinition } from './pipeline/permissions.js';
import type {
  Actor,
  AnyCommand,
  Authenticator,
  Authorizer,
  CommandDefinition,
  Origin,
  SignatureInput,
  SignatureVerifier,
} from './pipeline/types.js';
import type { AnyTables, Dialect, ModuleMigration, ReadDb, Transact } from './store.js';

/** What a command held for dual control returns to its author instead of a result. */
export interface ApprovalPending {
  approvalPending: true;
  approvalId: string;
  approvalsRequired: number;
}

/** The pipeline as modules see it: run a command (typed by the command object), list, decide approvals. */
export interface CommandPort {
  execute<S extends TSchema, O extends TSchema>(
    command: CommandDefinition<S, O, AnyTables>,
    input: unknown,
    actor: Actor,
    origin: Origin,
    signature?: SignatureInput,
  ): Promise<Static<O> | ApprovalPending>;
  list(): AnyCommand[];
  /** TEMPORARY during the conversion (issue 11): string lookup, removed once routes come from commands. */
  get(name: string): AnyCommand;
  decide(approvalId: string, approve: boolean, actor: Actor, origin: Origin): Promise<unknown>;
  /** A read's access check (audited when refused): the permission at `scope`, or at any scope. */
  authorizeRead(
    actor: Actor,
    permission: string,
    origin: Origin,
    what: string,
    where?: { scope?: string; anyScope?: boolean },
  ): Promise<void>;
}

/**
 * The few writers outside a command's transaction, named here so that the list is reviewed in one place
 * (and test/architecture.test.ts checks that no other name is used):
 * - `audit.checkpoint`: the audit log's own checkpoint rows, written by its timer and after appends;
 * - `identity.session-touch`: a session's last-seen time, refreshed at most once a minute on reads;
 * - `demo.reset`: wiping the demo plant's data directory (app/, console only).
 */
export const declaredWriters = ['audit.checkpoint', 'identity.session-touch', 'demo.reset'] as const;
export type DeclaredWriter = (typeof declaredWriters)[number];

/**
 * What a module receives: never the whole application, and no writable database handle — only a read-only
 * handle, the command port, and (for a declared writer) a transaction runner asked for by name.
 */
export interface ModuleContext<DB = AnyTables> {
  readonly config: BastionConfig;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly events: EventBus;
  readonly health: HealthConditions;
  readonly permissions: PermissionCatalog;
  readonly commands: CommandPort;
  readonly db: ReadDb<DB>;
  readonly dialect: Dialect;
  /** The signing keys of this data directory (kernel key store). */
  readonly keys: KeyStore;
  /** A transaction runner for one of the `declaredWriters`; nothing else writes outside a command. */
  writer(name: DeclaredWriter): Transact;
}

/** What a feature module contributes. Modules talk to each other through their index.ts and events. */
export interface BastionModule {
  name: string;
  permissions: PermissionDefinition[];
  migrations: ModuleMigration[];
  commands(ctx: ModuleContext): AnyCommand[];
  routes?(app: FastifyInstance, ctx: ModuleContext): void;
  /** The module that knows who may do what supplies the authorizer (identity); else deny by default. */
  authorizer?(ctx: ModuleContext): Authorizer;
  /** The module that knows sessions finds the caller of a request (identity); else every caller is anonymous. */
  authenticator?(ctx: ModuleContext): Authenticator;
  /** The module that knows credentials checks electronic signatures (identity). */
  signatures?(ctx: ModuleContext): SignatureVerifier;
}
