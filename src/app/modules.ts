import type { FastifyInstance } from 'fastify';
import type { PermissionDefinition } from '../kernel/pipeline/permissions.js';
import type { Authorizer, CommandDefinition, SignatureVerifier } from '../kernel/pipeline/types.js';
import type { ModuleMigration } from '../storage/migrations.js';
import type { Bastion } from './bastion.js';

/** What a feature module contributes. Modules talk to each other through exported functions and events. */
export interface BastionModule {
  name: string;
  permissions: PermissionDefinition[];
  migrations: ModuleMigration[];
  commands(bastion: Bastion): CommandDefinition[];
  routes?(app: FastifyInstance, bastion: Bastion): void;
  /** The module that knows who may do what supplies the authorizer (identity); else deny by default. */
  authorizer?(bastion: Bastion): Authorizer;
  /** The module that knows credentials checks electronic signatures (identity). */
  signatures?(bastion: Bastion): SignatureVerifier;
}
