import { createTransport } from 'nodemailer';
import type { NotifierConfig } from '../../../kernel/config/monitoring.js';
import type { AlertMessage } from './message.js';
import { SEND_TIMEOUT_MS, type Notifier, type NotifierEnv } from './notifier.js';
import { readNotifierFile, readSecret } from './secret.js';

type EmailConfig = Extract<NotifierConfig, { type: 'email' }>;

const oneLine = (text: string) => text.replace(/[\r\n]+/g, ' ');

export function subjectOf(m: AlertMessage): string {
  return oneLine(`[Bastion ALERT ${m.severity}] ${m.reason === 'escalated' ? 'Escalated: ' : ''}${m.title}`);
}

export function bodyOf(m: AlertMessage): string {
  return [
    m.summary,
    '',
    `Alert:       ${m.alertId}`,
    `Rule:        ${m.rule}`,
    `Severity:    ${m.severity}`,
    `Technique:   ${m.technique ?? '-'}`,
    `State:       ${m.state}`,
    `Group:       ${m.groupKey}`,
    `Events:      ${m.count}`,
    `First seen:  ${m.firstAt}`,
    `Last seen:   ${m.lastAt}`,
    `Reason:      ${m.reason}${m.escalationLevel > 0 ? ` (level ${m.escalationLevel})` : ''}`,
    `Delivery:    ${m.deliveryId}`,
    '',
    'Acknowledge it in the Bastion security center or with `bastion alerts ack`.',
    '',
  ].join('\n');
}

/**
 * E-mail through nodemailer (the maintained SMTP client for Node: STARTTLS, AUTH, pooling, RFC 2047 headers).
 * STARTTLS is required unless `requireTls: false`; `secure` is TLS from the first byte (port 465). The server
 * is verified against `caFile` or the system's CAs, with the instance TLS policy.
 */
export function emailNotifier(config: EmailConfig, env: NotifierEnv): Notifier {
  const password =
    config.passwordFile !== undefined ? readSecret(config.name, 'passwordFile', config.passwordFile) : undefined;
  const ca = config.caFile !== undefined ? readNotifierFile(config.name, 'caFile', config.caFile) : undefined;
  const transport = createTransport({
    host: config.host,
    port: config.port,
    secure: config.secure,
    requireTLS: config.requireTls && !config.secure,
    ignoreTLS: false,
    ...(config.username !== undefined ? { auth: { user: config.username, pass: password ?? '' } } : {}),
    tls: { ...(ca ? { ca } : {}), rejectUnauthorized: true, minVersion: env.tls.minVersion, ciphers: env.tls.ciphers },
    connectionTimeout: SEND_TIMEOUT_MS,
    greetingTimeout: SEND_TIMEOUT_MS,
    socketTimeout: SEND_TIMEOUT_MS,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return {
    name: config.name,
    secrets: password !== undefined ? [password] : [],
    async send(message: AlertMessage) {
      await transport.sendMail({
        from: config.from,
        to: config.to,
        subject: subjectOf(message),
        text: bodyOf(message),
        headers: { 'X-Bastion-Delivery': message.deliveryId, 'X-Bastion-Alert': message.alertId },
      });
    },
  };
}
