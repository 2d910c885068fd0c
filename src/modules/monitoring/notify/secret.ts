import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from '../../../kernel/config/load.js';

/** A notifier's file (secret, password, CA), read once at start; a missing one stops start-up naming the key. */
export function readNotifierFile(notifier: string, key: string, path: string): Buffer {
  try {
    return readFileSync(resolve(path));
  } catch (error) {
    throw new ConfigError(
      `Invalid configuration: monitoring.notifiers "${notifier}" ${key} cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
}

/** A secret file's content, trimmed (a trailing newline from `echo` is not part of the secret). */
export function readSecret(notifier: string, key: string, path: string): string {
  const secret = readNotifierFile(notifier, key, path).toString('utf8').trim();
  if (secret.length === 0)
    throw new ConfigError(`Invalid configuration: monitoring.notifiers "${notifier}" ${key} is empty`);
  return secret;
}

/**
 * A failure's text fit for the outbox row, the log and /readyz: one line, at most 300 characters, and any
 * secret the notifier holds replaced (a server that echoes what it was sent must not put it on disk).
 */
export function safeError(error: unknown, secrets: readonly string[] = []): string {
  let text = error instanceof Error ? error.message : String(error);
  for (const secret of secrets) if (secret.length > 0) text = text.split(secret).join('[redacted]');
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}
