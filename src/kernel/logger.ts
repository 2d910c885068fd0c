import { pino, type DestinationStream, type Logger } from 'pino';
import { PinoPretty } from 'pino-pretty';

/**
 * Paths pino blanks out before a line is written. Secrets never reach a log line, whatever
 * object a caller logs: credentials in headers, and any field that looks like a password or token.
 */
const secretKeys = [
  'password',
  'currentPassword',
  'newPassword',
  'oneTimePassword',
  'token',
  'accessToken',
  'refreshToken',
  'secret',
  'privateKey',
  'passphrase',
  'databaseUrl',
];

export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...secretKeys,
  ...secretKeys.map((key) => `*.${key}`),
  ...secretKeys.map((key) => `*.*.${key}`),
];

export type LogFormat = 'json' | 'pretty';

/**
 * JSON lines on stderr (or `destination`) by default, for a log collector; `pretty` formats each line for a
 * person (pino-pretty, in-process and synchronous, so no line is lost when the process exits). Redaction runs
 * before either.
 */
export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const options = {
    level,
    base: { service: 'bastion' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  if (format === 'pretty') {
    const pretty = PinoPretty({
      destination: destination ?? 2,
      sync: true,
      colorize: destination === undefined && process.stderr.isTTY,
      translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l o',
      ignore: 'service,pid,hostname',
    });
    return pino(options, pretty);
  }
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}
