import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { NotifierConfig } from '../../../kernel/config/monitoring.js';
import type { AlertMessage } from './message.js';
import { SEND_TIMEOUT_MS, type Notifier, type NotifierEnv } from './notifier.js';
import { readNotifierFile } from './secret.js';
import { octetCounted, syslogMessage } from './syslog-format.js';

type SyslogConfig = Extract<NotifierConfig, { type: 'syslog' }>;

/** Writes `frame` on a fresh connection and closes it; TCP syslog has no acknowledgement beyond a clean close. */
function deliver(open: () => Socket, secureEvent: 'connect' | 'secureConnect', frame: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = open();
    const fail = (error: Error) => {
      socket.destroy();
      reject(error);
    };
    socket.setTimeout(SEND_TIMEOUT_MS, () => fail(new Error('the syslog server did not answer in time')));
    socket.once('error', fail);
    // Sent is when the server has read to our end and closed too: a frame cut by a reset is an error instead.
    let sent = false;
    socket.once(secureEvent, () => {
      sent = true;
      socket.end(frame);
    });
    socket.once('close', (hadError: boolean) => {
      if (hadError) return; // 'error' rejected already
      if (sent) resolve();
      else reject(new Error('the syslog server closed the connection before the message was sent'));
    });
  });
}

/**
 * Syslog over TCP, or over TLS (RFC 5425, verified against `caFile` or the system's CAs, the instance TLS
 * policy applied). One connection per message: alerts are rare, and a fresh connection never sends into a
 * socket the server already closed.
 */
export function syslogNotifier(config: SyslogConfig, env: NotifierEnv): Notifier {
  const ca = config.caFile !== undefined ? readNotifierFile(config.name, 'caFile', config.caFile) : undefined;
  const open = config.tls
    ? () =>
        tlsConnect({
          host: config.host,
          port: config.port,
          servername: /^[\d.:]+$/.test(config.host) ? undefined : config.host,
          ...(ca ? { ca } : {}),
          rejectUnauthorized: true,
          minVersion: env.tls.minVersion,
          ciphers: env.tls.ciphers,
        })
    : () => netConnect({ host: config.host, port: config.port });
  return {
    name: config.name,
    secrets: [],
    send(message: AlertMessage) {
      const text = syslogMessage(message, { hostname: env.hostname, format: config.format, version: env.version });
      return deliver(open, config.tls ? 'secureConnect' : 'connect', octetCounted(text));
    },
  };
}
