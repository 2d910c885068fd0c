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
import type { DataCatalog } from './privacy/catalog.js';
import type { FieldCipher } from './privacy/cipher.js';
import type { ReadScopes } from './scopes.js';
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
  decide(approvalId: string, approve: boolean, actor: Actor, origin: Origin): Promise<unknown>;
  /** A read's access check (audited when refused): the permission at `scope`, or at any scope. */
  authorizeRead(
    actor: Actor,
    permission: string,
    origin: Origin,
    what: string,
    where?: { scope?: string; anyScope?: boolean },
  ): Promise<void>;
  /** Where `actor` may read with `permission`: lists and reads keep to it (see kernel/scopes.ts). */
  readScopes(actor: Actor, permission: string): Promise<ReadScopes>;
}

/**
 * The writers inside modules that are not commands, each because a command there would audit the audit:
 * - 'audit.checkpoint': the audit log's checkpoints (Merkle root, signature), written by its timer and after
 *   appends, outside any command's transaction;
 * - 'monitoring.events': security events, observations of happenings the audit log already holds (each
 *   audited attempt, each refused device message), written in batches;
 * - 'monitoring.deliveries': the outbox's delivery attempts (attempts, next try, delivered), the bookkeeping of
 *   notifications whose alert was raised by an audited command.
 * A module asks for one by name
 * (`context.writer('audit.checkpoint')`); test/architecture.test.ts fails on any other name.
 * Outside the modules, only these hold the writable database, for what runs before or instead of the
 * pipeline (the same test fails on any other file): app/bastion.ts and app/context.ts (open, migrate, wire),
 * app/keys.ts (instance key fingerprints at start-up),
 * app/demo/reset.ts (dropping the demo database, console only), cli/open.ts (the console's own session).
 */
export const declaredWriters = ['audit.checkpoint', 'monitoring.events', 'monitoring.deliveries'] as const;
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
  /** Every table's and column's data class and categories (all modules' catalogues merged). */
  readonly catalog: DataCatalog;
  /** Seals and opens restricted fields (AES-256-GCM under the keyring's data keys); see kernel/privacy/cipher.ts. */
  readonly cipher: FieldCipher;
  /** A transaction runner for one of the `declaredWriters`; nothing else writes outside a command. */
  writer(name: DeclaredWriter): Transact;
}

/** What a feature module contributes. Modules talk to each other through their index.ts and events. */
export interface BastionModule {
  name: string;
  permissions: PermissionDefinition[];
  migrations: ModuleMigration[];
  /** The data class and categories of every column of this module's tables (kernel/privacy/catalog.ts). */
  catalog?: DataCatalog;
  commands(ctx: ModuleContext): AnyCommand[];
  routes?(app: FastifyInstance, ctx: ModuleContext): void;
  /** The module that knows who may do what supplies the authorizer (identity); else deny by default. */
  authorizer?(ctx: ModuleContext): Authorizer;
  /** The module that knows sessions finds the caller of a request (identity); else every caller is anonymous. */
  authenticator?(ctx: ModuleContext): Authenticator;
  /** The module that knows credentials checks electronic signatures (identity). */
  signatures?(ctx: ModuleContext): SignatureVerifier;
}
