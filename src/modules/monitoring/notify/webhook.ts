import { createHmac } from 'node:crypto';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { ConfigError } from '../../../kernel/config/load.js';
import type { NotifierConfig } from '../../../kernel/config/monitoring.js';
import type { AlertMessage } from './message.js';
import { SEND_TIMEOUT_MS, type Notifier, type NotifierEnv } from './notifier.js';
import { readNotifierFile, readSecret } from './secret.js';

type WebhookConfig = Extract<NotifierConfig, { type: 'webhook' }>;
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/**
 * The signature scheme (docs/OPERATIONS.md, "Notifiers"): `X-Bastion-Signature: sha256=<hex>` where hex is
 * HMAC-SHA256 under the shared secret of `${X-Bastion-Timestamp}.${body}`, the body being the exact bytes
 * sent. The timestamp (Unix seconds) inside the MAC lets a receiver refuse a replayed old request; the
 * delivery id lets it drop a retry it already took.
 */
export function signature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function webhookNotifier(config: WebhookConfig, env: NotifierEnv, now: () => number): Notifier {
  const secret = readSecret(config.name, 'secretFile', config.secretFile);
  const ca = config.caFile !== undefined ? readNotifierFile(config.name, 'caFile', config.caFile) : undefined;
  const url = new URL(config.url);
  // Plain HTTP only to a receiver on this host (a local relay): anywhere else the alert would cross the network in clear.
  if (url.protocol === 'http:' && !LOOPBACK.test(url.hostname)) {
    throw new ConfigError(
      `Invalid configuration: monitoring.notifiers "${config.name}" url must be https:// (http:// only on loopback)`,
    );
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const tls = {
    ...(ca ? { ca } : {}),
    rejectUnauthorized: true,
    minVersion: env.tls.minVersion,
    ciphers: env.tls.ciphers,
  };
  return {
    name: config.name,
    secrets: [secret],
    async send(message: AlertMessage) {
      const body = JSON.stringify({ type: 'bastion.alert', ...message });
      const timestamp = String(Math.floor(now() / 1000));
      const headers = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        'user-agent': `Bastion/${env.version}`,
        'x-bastion-timestamp': timestamp,
        'x-bastion-signature': signature(secret, timestamp, body),
        'x-bastion-delivery': message.deliveryId,
      };
      const options = { method: 'POST', headers, signal: AbortSignal.timeout(SEND_TIMEOUT_MS), ...tls };
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(url, options, (response: IncomingMessage) => {
          response.resume(); // the answer's body is not used; reading it frees the socket
          response.on('end', () => resolve(response.statusCode ?? 0));
          response.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      });
      // Only a 2xx is a delivery: a redirect is not followed (it could lead the signed alert anywhere).
      if (status < 200 || status > 299) throw new Error(`the webhook answered HTTP ${status}`);
    },
  };
}
