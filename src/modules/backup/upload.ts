import { LocalFile, type BackupDestination, type PutBody } from './destinations/destination.js';

/** One object of a backup: staged on local disk, or a small buffer (the manifest and its signature). */
export interface Outgoing {
  key: string;
  path?: string;
  data?: Buffer;
  size: number;
}

export interface CopyResult {
  destination: string;
  status: 'written' | 'failed';
  attempts: number;
  bytes: number;
  error?: string;
}

const BACKOFF_MS = 500;

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A short reason safe for the audit log: destination errors are written safe; anything else by its code. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 300);
  return 'unknown error';
}

function bodyOf(object: Outgoing): PutBody {
  if (object.data) return object.data;
  return new LocalFile(object.path!);
}

interface Item {
  key: string;
  size: number;
  /** Opened anew for each attempt: a stream is read once. */
  body(): Promise<PutBody> | PutBody;
}

/**
 * Writes the items to one destination in order (the manifest last: it marks the backup complete), each
 * tried up to `attempts` times with doubling pauses. A destination that fails is reported; it never stops
 * the others, which the caller runs in parallel.
 */
async function putAll(
  destination: BackupDestination,
  items: Item[],
  attempts: number,
  onBytes?: (bytes: number) => void,
): Promise<CopyResult> {
  let tries = 0;
  let bytes = 0;
  for (const item of items) {
    for (let attempt = 1; ; attempt++) {
      tries++;
      try {
        await destination.put(item.key, await item.body());
        bytes += item.size;
        onBytes?.(item.size);
        break;
      } catch (error) {
        if (attempt >= attempts)
          return { destination: destination.name, status: 'failed', attempts: tries, bytes, error: reasonOf(error) };
        await wait(BACKOFF_MS * 2 ** (attempt - 1));
      }
    }
  }
  return { destination: destination.name, status: 'written', attempts: tries, bytes };
}

/** A staged backup to one destination. */
export function copyTo(
  destination: BackupDestination,
  objects: Outgoing[],
  attempts: number,
  onBytes?: (bytes: number) => void,
): Promise<CopyResult> {
  return putAll(
    destination,
    objects.map((o) => ({ key: o.key, size: o.size, body: () => bodyOf(o) })),
    attempts,
    onBytes,
  );
}

/** A stored backup from one destination to another, encrypted bytes as they are (a catch-up copy). */
export function copyBetween(
  from: BackupDestination,
  to: BackupDestination,
  keys: { key: string; size: number }[],
  attempts: number,
): Promise<CopyResult> {
  return putAll(
    to,
    keys.map((k) => ({ ...k, body: () => from.get(k.key) })),
    attempts,
  );
}
