import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { AppError } from '../errors.js';
import { problemsOf } from '../validation.js';
import { backupConfigProblems } from './backup.js';
import { databaseTlsProblems } from './database.js';
import { configSchema, environmentKeys, nonConfigEnvironment, type BastionConfig } from './schema.js';

export class ConfigError extends AppError {
  constructor(message: string) {
    super('config_invalid', 500, message);
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  file?: string;
}

type Raw = Record<string, unknown>;

function readConfigFile(path: string): Raw {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`Configuration file ${path} is not valid JSON: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`Configuration file ${path} must hold a JSON object`);
  }
  return parsed as Raw;
}

function parseEnvValue(kind: string, text: string): unknown {
  if (kind === 'integer') return /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : text;
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (kind === 'list')
    return text
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return text;
}

function setPath(target: Raw, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    if (typeof node[key] !== 'object' || node[key] === null || Array.isArray(node[key])) {
      throw new ConfigError(`Invalid configuration: key "${key}" must be an object`);
    }
    node = node[key] as Raw;
  }
  node[path.at(-1)!] = value;
}

function applyEnvironment(raw: Raw, env: NodeJS.ProcessEnv, origins: Map<string, string>): void {
  for (const [name, text] of Object.entries(env)) {
    if (!name.startsWith('BASTION_') || text === undefined || nonConfigEnvironment.has(name)) continue;
    const key = environmentKeys[name];
    if (!key) {
      const known = Object.keys(environmentKeys).join(', ');
      throw new ConfigError(`Unknown environment variable ${name}; expected one of ${known}`);
    }
    setPath(raw, key.path, parseEnvValue(key.kind, text));
    origins.set(`/${key.path.join('/')}`, name);
  }
}

function describeProblems(raw: Raw, origins: Map<string, string>, file: string | undefined): string {
  const lines = problemsOf(configSchema, raw).map(({ path, message }) => {
    const key = path.slice(1).replaceAll('/', '.') || '(root)';
    const origin = origins.get(path) ?? (file !== undefined ? `in ${file}` : 'default');
    if (message.startsWith('Unexpected property')) {
      return `unknown key "${key}" (${origin}); allowed keys are those in docs/OPERATIONS.md`;
    }
    return `key "${key}" (${origin}): ${message.replace(/^Expected /, 'expected ')}`;
  });
  return `Invalid configuration: ${lines.join('; ')}`;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * Loads configuration from defaults, then the JSON file (BASTION_CONFIG or ./bastion.config.json), then
 * BASTION_* environment variables. Any bad or unknown key throws a ConfigError that names it.
 */
export function loadConfig(options: LoadOptions = {}): BastionConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.BASTION_CONFIG;
  // An empty BASTION_CONFIG means "not set", as an unset one does.
  const named = explicit !== undefined && explicit !== '';
  const file = named ? resolve(cwd, explicit) : resolve(cwd, 'bastion.config.json');
  if (named && !existsSync(file)) throw new ConfigError(`Configuration file ${file} does not exist`);
  const raw: Raw = existsSync(file) ? readConfigFile(file) : {};
  const origins = new Map<string, string>();
  applyEnvironment(raw, env, origins);
  const withDefaults = Value.Default(configSchema, structuredClone(raw)) as Raw;
  if (problemsOf(configSchema, withDefaults).length > 0) {
    throw new ConfigError(describeProblems(withDefaults, origins, existsSync(file) ? file : undefined));
  }
  const config = withDefaults as BastionConfig;
  resolveDatabaseTlsPaths(config, cwd);
  const crossProblems = [
    ...backupConfigProblems(config.backup),
    ...(config.databaseUrl !== undefined ? databaseTlsProblems(config.databaseUrl, config.database.tls) : []),
  ];
  if (crossProblems.length > 0) throw new ConfigError(`Invalid configuration: ${crossProblems.join('; ')}`);
  config.dataDir = resolve(cwd, config.dataDir);
  config.audit.witnessDirs = config.audit.witnessDirs.map((dir) => resolve(cwd, dir));
  resolveBackupPaths(config, cwd);
  return deepFreeze(config);
}

/** The database's TLS files are relative to the working directory, as the data directory is. */
function resolveDatabaseTlsPaths(config: BastionConfig, cwd: string): void {
  const tls = config.database.tls;
  for (const key of ['caFile', 'certFile', 'keyFile'] as const) {
    const path = tls[key];
    if (path !== undefined) tls[key] = resolve(cwd, path);
  }
}

/** File paths in the backup section are relative to the working directory, as the data directory is. */
function resolveBackupPaths(config: BastionConfig, cwd: string): void {
  const backup = config.backup;
  if (backup.identityFile !== undefined) backup.identityFile = resolve(cwd, backup.identityFile);
  for (const d of backup.destinations) {
    if (d.kind === 'directory') d.path = resolve(cwd, d.path);
    if (d.kind === 's3') {
      d.secretAccessKeyFile = resolve(cwd, d.secretAccessKeyFile);
      if (d.caFile !== undefined) d.caFile = resolve(cwd, d.caFile);
    }
    if (d.kind === 'sftp') d.privateKeyFile = resolve(cwd, d.privateKeyFile);
  }
}

/** The configuration with secrets removed, fit for the audit log and for `config show`. */
export function publicConfig(config: BastionConfig): Record<string, unknown> {
  const copy = structuredClone(config) as Record<string, unknown>;
  if (config.databaseUrl !== undefined) copy.databaseUrl = redactUrl(config.databaseUrl);
  return copy;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = 'redacted';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}
