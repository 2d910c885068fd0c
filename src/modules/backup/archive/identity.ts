import { readFileSync } from 'node:fs';
import { generateX25519Identity, identityToRecipient } from 'age-encryption';

/** A new age X25519 key pair: the identity (keep it off the server) and its recipient (backup.recipients). */
export async function generateBackupIdentity(): Promise<{ identity: string; recipient: string }> {
  const identity = await generateX25519Identity();
  return { identity, recipient: await identityToRecipient(identity) };
}

/** Reads an `age-keygen` file: `#` comment lines and one AGE-SECRET-KEY-1 line; the key is never echoed in errors. */
export function readIdentityFile(path: string): string {
  const lines = readFileSync(path, 'utf8')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  if (lines.length !== 1 || !/^AGE-SECRET-KEY-1[0-9A-Z]{58}$/.test(lines[0]!))
    throw new Error(`${path} is not an age identity file (one AGE-SECRET-KEY-1 line, and # comments)`);
  return lines[0]!;
}
