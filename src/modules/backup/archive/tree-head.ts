import { createHash } from 'node:crypto';

/**
 * The log's Merkle root (RFC 9162, leaves = the records' chained hashes), built as records stream by. The
 * audit module keeps the same frontier internally and exports none; this copy must hash exactly as it does
 * (test/backup-archive.test.ts compares its root with a signed checkpoint's).
 */
export class TreeHead {
  size = 0;
  private readonly levels: (Buffer | undefined)[] = [];

  append(leaf: Buffer): void {
    let [hash, level] = [leaf, 0];
    while (this.levels[level]) {
      hash = node(this.levels[level]!, hash);
      this.levels[level] = undefined;
      level += 1;
    }
    this.levels[level] = hash;
    this.size += 1;
  }

  root(): Buffer {
    let acc: Buffer | undefined;
    for (const hash of this.levels) if (hash) acc = acc ? node(hash, acc) : hash;
    return acc ?? createHash('sha256').digest();
  }
}

function node(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0x01]))
    .update(left)
    .update(right)
    .digest();
}
