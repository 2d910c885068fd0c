import { pino, type DestinationStream, type Logger } from 'pino';

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

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'bastion' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options, pino.destination(2));
}
