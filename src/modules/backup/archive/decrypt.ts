import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { BackupInvalidError } from './errors.js';
import type { ManifestPart } from './format.js';
import { openSealed } from './seal.js';

/** Decrypts and decompresses a downloaded part into `plainFile` (0600), then holds it to the manifest's plain digest. */
export async function decryptPart(
  part: ManifestPart,
  sealed: string,
  identity: string,
  plainFile: string,
): Promise<void> {
  try {
    const { stream, meter } = await openSealed(sealed, identity);
    await pipeline(stream, createWriteStream(plainFile, { mode: 0o600 }));
    if (meter.size !== part.plainSize || meter.digest() !== part.plainSha256)
      throw new BackupInvalidError(
        'plain-digest',
        `${part.key} decrypts to content that does not match the manifest`,
        part.name,
      );
  } catch (error) {
    if (error instanceof BackupInvalidError) throw error;
    // The library's message may say which stanza failed; it never holds key material.
    const reason = error instanceof Error ? error.message : String(error);
    throw new BackupInvalidError(
      'decrypt',
      `${part.key} could not be decrypted with this identity: ${reason}`,
      part.name,
    );
  }
}
