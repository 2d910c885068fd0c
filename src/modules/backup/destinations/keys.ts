import { readFile } from 'node:fs/promises';
import { DestinationError } from './destination.js';

const allowed = /^[A-Za-z0-9._/-]+$/;

/**
 * Refuses a key that could leave the destination's root (`..`, an absolute path, a backslash on a Windows
 * share) or hide among temporary files (`.tmp-`), before any destination maps it to a path or an object name.
 */
export function checkKey(destination: string, key: string): string {
  const bad =
    !allowed.test(key) ||
    key.startsWith('/') ||
    key.endsWith('/') ||
    key.includes('..') ||
    key.includes('//') ||
    key.includes('.tmp-') ||
    key.split('/').includes('.');
  if (bad)
    throw new DestinationError(
      destination,
      `refused key "${printable(key)}" (letters, digits, ".", "_", "-", "/" only; no "..")`,
    );
  return key;
}

/** A list prefix is empty or a key, optionally ending in "/". */
export function checkPrefix(destination: string, prefix: string): string {
  if (prefix === '') return prefix;
  checkKey(destination, prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
  return prefix;
}

/** The temporary name an upload is written under before its rename: unique per process and attempt. */
export function temporaryName(target: string, random: string): string {
  return `${target}.tmp-${process.pid}-${random}`;
}

/** Code-unit order: the order S3 lists keys in (they are ASCII), independent of the locale. */
export function byKey(a: { key: string }, b: { key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/** Reads a file the configuration names; a failure names the setting, never the content. */
export async function readSecretFile(destination: string, setting: string, path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new DestinationError(destination, `cannot read ${setting} ${path} (${code})`);
  }
}

// A refused key may be hostile: show it without control characters and cut short.
function printable(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, '?').slice(0, 120);
}
