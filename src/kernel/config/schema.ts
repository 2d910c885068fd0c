import { Type, type Static } from '@sinclair/typebox';
import { backupConfig } from './backup.js';
import { databaseConfig } from './database.js';
import { privacyConfig } from './privacy.js';
import { monitoringConfig } from './monitoring.js';

const port = (description: string, fallback: number) =>
  Type.Integer({ minimum: 1, maximum: 65535, default: fallback, description });

/** The suites the TLS policy allows: TLS 1.3's AEAD suites, and TLS 1.2 suites with ECDHE and AES-GCM or ChaCha20. */
const TLS_SUITE =
  'TLS_AES_128_GCM_SHA256|TLS_AES_256_GCM_SHA384|TLS_CHACHA20_POLY1305_SHA256|' +
  'ECDHE-(ECDSA|RSA)-(AES128-GCM-SHA256|AES256-GCM-SHA384|CHACHA20-POLY1305)';
const TLS_SUITES = `^(${TLS_SUITE})(:(${TLS_SUITE}))*$`;

export const DEFAULT_TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/**
 * The whole configuration of a Bastion process. Every key has a default that is safe (HTTPS on,
 * loopback only); unknown keys are refused so that a typo never silently falls back to a default.
 */
export const configSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1, default: './data', description: 'a directory path' }),
    host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'an IP address or host name to listen on' }),
    port: port('an integer from 1 to 65535', 8443),
    databaseUrl: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'a postgres:// or postgresql:// connection URL' }),
    ),
    database: databaseConfig,
    logLevel: Type.Union(
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
      { default: 'info', description: 'one of fatal, error, warn, info, debug, trace, silent' },
    ),
    // JSON lines for log collectors by default; pretty (pino-pretty) for a person reading a terminal.
    logFormat: Type.Union([Type.Literal('json'), Type.Literal('pretty')], {
      default: 'json',
      description: 'json or pretty',
    }),
    http: Type.Object(
      {
        plain: Type.Boolean({
          default: false,
          description: 'true or false (true serves plain HTTP: tests and TLS proxies only)',
        }),
        bodyLimitBytes: Type.Integer({
          minimum: 1024,
          maximum: 16 * 1024 * 1024,
          default: 256 * 1024,
          description: 'an integer from 1024 to 16777216',
        }),
        rateLimitMax: Type.Integer({
          minimum: 1,
          default: 600,
          description: 'a positive integer (requests per window per account or address)',
        }),
        rateLimitWindowSeconds: Type.Integer({ minimum: 1, default: 60, description: 'a positive integer (seconds)' }),
        tlsCertFile: Type.Optional(Type.String({ minLength: 1, description: 'a path to a PEM certificate chain' })),
        tlsKeyFile: Type.Optional(Type.String({ minLength: 1, description: 'a path to a PEM private key' })),
      },
      { additionalProperties: false, default: {} },
    ),
    // One TLS policy for HTTPS and MQTT over TLS (src/http/tls.ts): TLS 1.3, or TLS 1.2 with ECDHE and an AEAD.
    tls: Type.Object(
      {
        minVersion: Type.Union([Type.Literal('TLSv1.2'), Type.Literal('TLSv1.3')], {
          default: 'TLSv1.2',
          description: 'TLSv1.2 or TLSv1.3 (the oldest protocol version accepted)',
        }),
        ciphers: Type.String({
          pattern: TLS_SUITES,
          default: DEFAULT_TLS_CIPHERS,
          description:
            'a colon-separated list of TLS 1.3 suites (TLS_AES_256_GCM_SHA384, TLS_AES_128_GCM_SHA256, ' +
            'TLS_CHACHA20_POLY1305_SHA256) and TLS 1.2 ECDHE AEAD suites (ECDHE-ECDSA-AES128-GCM-SHA256, ' +
            'ECDHE-RSA-AES256-GCM-SHA384, ECDHE-ECDSA-CHACHA20-POLY1305, ...); nothing weaker can be configured',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    audit: Type.Object(
      {
        checkpointEvery: Type.Integer({
          minimum: 1,
          maximum: 1_000_000,
          default: 1000,
          description: 'an integer from 1 to 1000000 (records)',
        }),
        checkpointSeconds: Type.Integer({
          minimum: 1,
          maximum: 86_400,
          default: 60,
          description: 'an integer from 1 to 86400 (seconds)',
        }),
        denialWindowSeconds: Type.Integer({
          minimum: 1,
          maximum: 3600,
          default: 60,
          description:
            'an integer from 1 to 3600 (seconds in which repeated identical denials are audited as one record)',
        }),
        witnessDirs: Type.Array(Type.String({ minLength: 1 }), {
          default: [],
          description: 'a list of directory paths',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    session: Type.Object(
      {
        absoluteHours: Type.Integer({
          minimum: 1,
          maximum: 24 * 7,
          default: 12,
          description: 'an integer from 1 to 168 (hours)',
        }),
        idleMinutes: Type.Integer({
          minimum: 2,
          maximum: 24 * 60,
          default: 30,
          description: 'an integer from 2 to 1440 (minutes)',
        }),
        terminalIdleMinutes: Type.Integer({
          minimum: 1,
          maximum: 60,
          default: 5,
          description: 'an integer from 1 to 60 (minutes before a shop-floor terminal session locks)',
        }),
        maxPerAccount: Type.Integer({ minimum: 1, maximum: 100, default: 5, description: 'an integer from 1 to 100' }),
        cacheSeconds: Type.Integer({
          minimum: 0,
          maximum: 300,
          default: 10,
          description:
            'an integer from 0 to 300 (seconds a session read is reused at most, if no change arrives first; 0: off)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    mqtt: Type.Object(
      {
        enabled: Type.Boolean({ default: true, description: 'true or false (the embedded MQTT broker for devices)' }),
        port: Type.Integer({
          minimum: 0,
          maximum: 65535,
          default: 8883,
          description: 'an integer from 0 to 65535 (MQTT over TLS; 0 picks a free port)',
        }),
        plainPort: Type.Optional(
          Type.Integer({
            minimum: 0,
            maximum: 65535,
            description: 'an integer from 0 to 65535 (plain MQTT, without TLS: only when set)',
          }),
        ),
        maxPayloadBytes: Type.Integer({
          minimum: 64,
          maximum: 16 * 1024 * 1024,
          default: 64 * 1024,
          description: 'an integer from 64 to 16777216 (bytes per message)',
        }),
        maxMessagesPerSecond: Type.Integer({
          minimum: 1,
          maximum: 1_000_000,
          default: 1000,
          description: 'an integer from 1 to 1000000 (messages per second per device)',
        }),
        // Device timestamps outside this window are quarantined (src/modules/ingest/timestamps.ts).
        maxFutureSkewSeconds: Type.Integer({
          minimum: 0,
          maximum: 86_400,
          default: 60,
          description: 'an integer from 0 to 86400 (seconds a device timestamp may be ahead of the server)',
        }),
        maxAgeHours: Type.Integer({
          minimum: 1,
          maximum: 8760,
          default: 24,
          description: 'an integer from 1 to 8760 (hours a device timestamp may be old unless marked historical)',
        }),
        batchMaxMessages: Type.Integer({
          minimum: 1,
          maximum: 100_000,
          default: 500,
          description: 'an integer from 1 to 100000 (messages per committed batch)',
        }),
        batchMaxDelayMs: Type.Integer({
          minimum: 1,
          maximum: 10_000,
          default: 20,
          description: 'an integer from 1 to 10000 (milliseconds a message waits for its batch)',
        }),
        hostId: Type.String({
          pattern: '^[A-Za-z0-9._-]{1,64}$',
          default: 'bastion',
          description: 'a Sparkplug host ID of letters, digits, ".", "_", "-" (spBv1.0/STATE/<hostId>)',
        }),
        // External broker mode (src/modules/ingest/external.ts): no embedded broker, Bastion subscribes.
        url: Type.Optional(
          Type.String({
            pattern: '^mqtts?://[^\\s/@]+/?$',
            description:
              'mqtts://host:port or mqtt://host:port, without credentials (an external broker to subscribe to)',
          }),
        ),
        sharedGroup: Type.String({
          pattern: '^[A-Za-z0-9._-]{1,64}$',
          default: 'bastion',
          description: 'a share name of letters, digits, ".", "_", "-" (instances in one group split the messages)',
        }),
        shared: Type.Boolean({
          default: true,
          description:
            'true or false (subscribe through $share/<sharedGroup>; false: plain subscriptions, one instance only)',
        }),
        clientId: Type.Optional(
          Type.String({ pattern: '^[A-Za-z0-9._:-]{1,64}$', description: 'an MQTT client ID, at most 64 characters' }),
        ),
        caFile: Type.Optional(Type.String({ minLength: 1, description: "a path to the external broker's PEM CA" })),
        certFile: Type.Optional(Type.String({ minLength: 1, description: 'a path to a PEM client certificate' })),
        keyFile: Type.Optional(Type.String({ minLength: 1, description: 'a path to a PEM client private key' })),
        username: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'an MQTT user name' })),
        passwordFile: Type.Optional(
          Type.String({ minLength: 1, description: 'a path to a file holding the MQTT password (never in config)' }),
        ),
        sessionExpirySeconds: Type.Integer({
          minimum: 0,
          maximum: 604_800,
          default: 3600,
          description: 'an integer from 0 to 604800 (how long the external broker keeps unacknowledged messages)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    opcua: Type.Object(
      {
        enabled: Type.Boolean({
          default: true,
          description: 'true or false (connect to the defined OPC UA servers when serving)',
        }),
        retrySeconds: Type.Integer({
          minimum: 1,
          maximum: 3600,
          default: 30,
          description: 'an integer from 1 to 3600 (seconds between attempts to reach an OPC UA server)',
        }),
        batchMaxSamples: Type.Integer({
          minimum: 1,
          maximum: 100_000,
          default: 500,
          description: 'an integer from 1 to 100000 (OPC UA samples per committed batch)',
        }),
        batchMaxDelayMs: Type.Integer({
          minimum: 1,
          maximum: 10_000,
          default: 200,
          description: 'an integer from 1 to 10000 (milliseconds a sample waits for its batch)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
    backup: backupConfig,
    crypto: Type.Object(
      {
        kek: Type.Object(
          {
            source: Type.Union([Type.Literal('file'), Type.Literal('env'), Type.Literal('passphrase')], {
              default: 'file',
              description: 'file, env or passphrase (where the key-encryption key comes from)',
            }),
            file: Type.Optional(Type.String({ description: 'the KEK file (default <dataDir>/keys/kek.key)' })),
          },
          { additionalProperties: false, default: {} },
        ),
      },
      { additionalProperties: false, default: {} },
    ),
    privacy: privacyConfig,
    monitoring: monitoringConfig,
    identity: Type.Object(
      {
        lockoutThreshold: Type.Integer({
          minimum: 3,
          maximum: 100,
          default: 5,
          description: 'an integer from 3 to 100 (failed logins)',
        }),
        lockoutMinutes: Type.Integer({
          minimum: 1,
          maximum: 24 * 60,
          default: 15,
          description: 'an integer from 1 to 1440 (minutes)',
        }),
        addressFailureLimit: Type.Integer({
          minimum: 10,
          maximum: 10_000,
          default: 100,
          description: 'an integer from 10 to 10000 (failed logins per address per 15 minutes)',
        }),
        notice: Type.String({
          maxLength: 2000,
          default: 'Authorised use only. Activity on this system is recorded and monitored; misuse is reported.',
          description: 'the system-use notice shown before login (at most 2000 characters)',
        }),
      },
      { additionalProperties: false, default: {} },
    ),
  },
  { additionalProperties: false },
);

export type BastionConfig = Static<typeof configSchema>;

type EnvKind = 'string' | 'integer' | 'boolean' | 'list';

/** Environment variables and the configuration key each sets. Any other BASTION_* variable is refused. */
export const environmentKeys: Record<string, { path: string[]; kind: EnvKind }> = {
  BASTION_DATA_DIR: { path: ['dataDir'], kind: 'string' },
  BASTION_HOST: { path: ['host'], kind: 'string' },
  BASTION_PORT: { path: ['port'], kind: 'integer' },
  BASTION_DATABASE_URL: { path: ['databaseUrl'], kind: 'string' },
  BASTION_DATABASE_TLS_MODE: { path: ['database', 'tls', 'mode'], kind: 'string' },
  BASTION_DATABASE_CA_FILE: { path: ['database', 'tls', 'caFile'], kind: 'string' },
  BASTION_DATABASE_CERT_FILE: { path: ['database', 'tls', 'certFile'], kind: 'string' },
  BASTION_DATABASE_KEY_FILE: { path: ['database', 'tls', 'keyFile'], kind: 'string' },
  BASTION_DATABASE_ALLOW_PLAINTEXT: { path: ['database', 'tls', 'allowPlaintext'], kind: 'boolean' },
  BASTION_DATABASE_SQLITE_MMAP_MB: { path: ['database', 'sqlite', 'mmapMb'], kind: 'integer' },
  BASTION_DATABASE_SQLITE_CACHE_MB: { path: ['database', 'sqlite', 'cacheMb'], kind: 'integer' },
  BASTION_DATABASE_POSTGRES_PREPARED_STATEMENTS: {
    path: ['database', 'postgres', 'preparedStatements'],
    kind: 'boolean',
  },
  BASTION_LOG_LEVEL: { path: ['logLevel'], kind: 'string' },
  BASTION_LOG_FORMAT: { path: ['logFormat'], kind: 'string' },
  BASTION_HTTP_PLAIN: { path: ['http', 'plain'], kind: 'boolean' },
  BASTION_HTTP_BODY_LIMIT: { path: ['http', 'bodyLimitBytes'], kind: 'integer' },
  BASTION_HTTP_RATE_LIMIT: { path: ['http', 'rateLimitMax'], kind: 'integer' },
  BASTION_HTTP_RATE_WINDOW: { path: ['http', 'rateLimitWindowSeconds'], kind: 'integer' },
  BASTION_TLS_CERT_FILE: { path: ['http', 'tlsCertFile'], kind: 'string' },
  BASTION_TLS_KEY_FILE: { path: ['http', 'tlsKeyFile'], kind: 'string' },
  BASTION_TLS_MIN_VERSION: { path: ['tls', 'minVersion'], kind: 'string' },
  BASTION_TLS_CIPHERS: { path: ['tls', 'ciphers'], kind: 'string' },
  BASTION_AUDIT_CHECKPOINT_EVERY: { path: ['audit', 'checkpointEvery'], kind: 'integer' },
  BASTION_AUDIT_CHECKPOINT_SECONDS: { path: ['audit', 'checkpointSeconds'], kind: 'integer' },
  BASTION_AUDIT_DENIAL_WINDOW: { path: ['audit', 'denialWindowSeconds'], kind: 'integer' },
  BASTION_AUDIT_WITNESS_DIRS: { path: ['audit', 'witnessDirs'], kind: 'list' },
  BASTION_SESSION_IDLE_MINUTES: { path: ['session', 'idleMinutes'], kind: 'integer' },
  BASTION_SESSION_TERMINAL_IDLE_MINUTES: { path: ['session', 'terminalIdleMinutes'], kind: 'integer' },
  BASTION_SESSION_CACHE_SECONDS: { path: ['session', 'cacheSeconds'], kind: 'integer' },
  BASTION_LOCKOUT_THRESHOLD: { path: ['identity', 'lockoutThreshold'], kind: 'integer' },
  BASTION_OPCUA_ENABLED: { path: ['opcua', 'enabled'], kind: 'boolean' },
  BASTION_MQTT_ENABLED: { path: ['mqtt', 'enabled'], kind: 'boolean' },
  BASTION_MQTT_PORT: { path: ['mqtt', 'port'], kind: 'integer' },
  BASTION_MQTT_PLAIN_PORT: { path: ['mqtt', 'plainPort'], kind: 'integer' },
  BASTION_MQTT_MAX_PAYLOAD: { path: ['mqtt', 'maxPayloadBytes'], kind: 'integer' },
  BASTION_MQTT_MAX_RATE: { path: ['mqtt', 'maxMessagesPerSecond'], kind: 'integer' },
  BASTION_MQTT_MAX_FUTURE_SKEW: { path: ['mqtt', 'maxFutureSkewSeconds'], kind: 'integer' },
  BASTION_MQTT_MAX_AGE_HOURS: { path: ['mqtt', 'maxAgeHours'], kind: 'integer' },
  BASTION_MQTT_URL: { path: ['mqtt', 'url'], kind: 'string' },
  BASTION_MQTT_SHARED_GROUP: { path: ['mqtt', 'sharedGroup'], kind: 'string' },
  BASTION_MQTT_SHARED: { path: ['mqtt', 'shared'], kind: 'boolean' },
  BASTION_MQTT_CLIENT_ID: { path: ['mqtt', 'clientId'], kind: 'string' },
  BASTION_MQTT_CA_FILE: { path: ['mqtt', 'caFile'], kind: 'string' },
  BASTION_MQTT_CERT_FILE: { path: ['mqtt', 'certFile'], kind: 'string' },
  BASTION_MQTT_KEY_FILE: { path: ['mqtt', 'keyFile'], kind: 'string' },
  BASTION_MQTT_USERNAME: { path: ['mqtt', 'username'], kind: 'string' },
  BASTION_MQTT_PASSWORD_FILE: { path: ['mqtt', 'passwordFile'], kind: 'string' },
  BASTION_MQTT_SESSION_EXPIRY: { path: ['mqtt', 'sessionExpirySeconds'], kind: 'integer' },
  BASTION_MQTT_HOST_ID: { path: ['mqtt', 'hostId'], kind: 'string' },
  BASTION_KEK_SOURCE: { path: ['crypto', 'kek', 'source'], kind: 'string' },
  BASTION_KEK_FILE: { path: ['crypto', 'kek', 'file'], kind: 'string' },
  BASTION_PRIVACY_DISPOSE_EVERY_HOURS: { path: ['privacy', 'disposeEveryHours'], kind: 'integer' },
};

/** BASTION_* variables that are not configuration keys but are read elsewhere (tooling, tests). */
export const nonConfigEnvironment = new Set([
  'BASTION_CONFIG',
  'BASTION_TEST_DATABASE_URL',
  'BASTION_BENCH_SCALE',
  // Key material and passphrases: read by the keyring only, never part of the (audited) configuration.
  'BASTION_KEK',
  'BASTION_KEK_PASSPHRASE',
  'BASTION_NEW_KEK',
  'BASTION_NEW_KEK_PASSPHRASE',
]);
