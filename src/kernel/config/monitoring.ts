import { Type, type Static } from '@sinclair/typebox';

const closed = { additionalProperties: false } as const;
const severity = Type.Union(
  [Type.Literal('low'), Type.Literal('medium'), Type.Literal('high'), Type.Literal('critical')],
  { default: 'low', description: 'low, medium, high or critical: alerts below it are not sent here' },
);
const name = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}$', description: 'a short name (a-z, 0-9, -)' });
const file = (what: string) =>
  Type.String({ minLength: 1, maxLength: 4096, description: `a path to a file holding ${what}` });
const common = {
  name,
  minSeverity: severity,
  /** Sent the escalations of alerts nobody acknowledged in time (and the alerts themselves). */
  escalation: Type.Boolean({ default: false, description: 'true: also receives escalations' }),
};

/** A webhook: the alert as JSON, POSTed with an HMAC-SHA256 of the body under a shared secret. */
const webhook = Type.Object(
  {
    type: Type.Literal('webhook'),
    ...common,
    url: Type.String({ pattern: '^https?://', maxLength: 2048, description: 'an http(s) URL' }),
    secretFile: file('the HMAC secret (never in the configuration itself)'),
    caFile: Type.Optional(file('the CA certificate(s) the receiver is verified against')),
  },
  closed,
);

/** Syslog (RFC 5424 messages, octet-counted framing of RFC 6587) over TCP or TLS (RFC 5425), or CEF for SIEMs. */
const syslog = Type.Object(
  {
    type: Type.Literal('syslog'),
    ...common,
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 6514 }),
    tls: Type.Boolean({ default: true, description: 'true: RFC 5425 syslog over TLS' }),
    caFile: Type.Optional(file('the CA certificate(s) the syslog server is verified against')),
    format: Type.Union([Type.Literal('rfc5424'), Type.Literal('cef')], { default: 'rfc5424' }),
  },
  closed,
);

/** E-mail through an SMTP server (STARTTLS required unless `secure` or an explicit loopback `plain`). */
const email = Type.Object(
  {
    type: Type.Literal('email'),
    ...common,
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535, default: 587 }),
    secure: Type.Boolean({ default: false, description: 'true: TLS from the first byte (port 465)' }),
    requireTls: Type.Boolean({ default: true, description: 'false: allow a server without STARTTLS' }),
    caFile: Type.Optional(file('the CA certificate(s) the SMTP server is verified against')),
    username: Type.Optional(Type.String({ maxLength: 256 })),
    passwordFile: Type.Optional(file('the SMTP password')),
    from: Type.String({ minLength: 3, maxLength: 256 }),
    to: Type.Array(Type.String({ minLength: 3, maxLength: 256 }), { minItems: 1, maxItems: 50 }),
  },
  closed,
);

export const notifierConfig = Type.Union([webhook, syslog, email]);

/**
 * Monitoring (docs/OPERATIONS.md, "Monitoring and alerts"): detection on or off, how alerts are deduplicated,
 * rate-limited and escalated, where they are sent, and how `/metrics` is protected.
 */
export const monitoringConfig = Type.Object(
  {
    detection: Type.Boolean({ default: true, description: 'false: security events are recorded, no rule runs' }),
    pollMs: Type.Integer({
      minimum: 50,
      maximum: 60_000,
      default: 500,
      description: 'an integer from 50 to 60000 (ms between reads of new security events)',
    }),
    dedupMinutes: Type.Integer({
      minimum: 1,
      maximum: 24 * 60,
      default: 60,
      description: 'an integer from 1 to 1440 (minutes an open alert absorbs repeats of itself)',
    }),
    maxAlertsPerRulePerHour: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      default: 30,
      description: 'an integer from 1 to 10000 (new alerts of one rule per hour; more are counted, not raised)',
    }),
    escalateAfterMinutes: Type.Integer({
      minimum: 0,
      maximum: 7 * 24 * 60,
      default: 30,
      description:
        'an integer from 0 to 10080 (minutes an alert of high or critical severity may stay unacknowledged; 0: never escalated)',
    }),
    retry: Type.Object(
      {
        initialMs: Type.Integer({
          minimum: 10,
          maximum: 600_000,
          default: 5_000,
          description: 'an integer from 10 to 600000 (ms before the first retry)',
        }),
        maxMs: Type.Integer({
          minimum: 100,
          maximum: 3_600_000,
          default: 600_000,
          description: 'an integer from 100 to 3600000 (longest wait between retries)',
        }),
      },
      { ...closed, default: {} },
    ),
    notifiers: Type.Array(notifierConfig, { default: [], maxItems: 20 }),
    metrics: Type.Object(
      {
        tokenFile: Type.Optional(file('the bearer token Prometheus presents to /metrics')),
      },
      { ...closed, default: {} },
    ),
  },
  { ...closed, default: {} },
);

export type MonitoringConfig = Static<typeof monitoringConfig>;
export type NotifierConfig = Static<typeof notifierConfig>;
