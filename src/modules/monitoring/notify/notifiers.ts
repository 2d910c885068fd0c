import { hostname } from 'node:os';
import type { MonitoringConfig, NotifierConfig } from '../../../kernel/config/monitoring.js';
import { ConfigError } from '../../../kernel/config/load.js';
import { emailNotifier } from './email.js';
import type { Notifier, NotifierEnv, TlsPolicy } from './notifier.js';
import { syslogNotifier } from './syslog.js';
import { webhookNotifier } from './webhook.js';

function build(config: NotifierConfig, env: NotifierEnv, now: () => number): Notifier {
  switch (config.type) {
    case 'webhook':
      return webhookNotifier(config, env, now);
    case 'syslog':
      return syslogNotifier(config, env);
    case 'email':
      return emailNotifier(config, env);
  }
}

/** Every configured notifier, built once (secrets and CAs read now: a missing file stops start-up). */
export function buildNotifiers(
  config: MonitoringConfig,
  tls: TlsPolicy,
  version: string,
  now: () => number,
): Map<string, Notifier> {
  const names = config.notifiers.map((n) => n.name);
  const twice = names.find((name, i) => names.indexOf(name) !== i);
  // The outbox rows name their notifier: two of one name would share (and steal) each other's deliveries.
  if (twice !== undefined)
    throw new ConfigError(`Invalid configuration: monitoring.notifiers name "${twice}" is used twice`);
  const env: NotifierEnv = { tls, version, hostname: hostname() };
  return new Map(config.notifiers.map((n) => [n.name, build(n, env, now)]));
}
