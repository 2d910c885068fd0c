import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DirectoryWitness } from './witness.js';

describe('DirectoryWitness', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it('writes each checkpoint as its exact body and signature bytes, leaves no temporary file, and reads them back', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'bastion-witness-')), 'nested');
    dirs.push(dir);
    const witness = new DirectoryWitness(dir);
    const first = { treeSize: 7, body: '{"rootHash":"ab","treeSize":7,"é":1}', signature: Buffer.from([1, 2, 255]) };
    const second = { treeSize: 12, body: '{"treeSize":12}', signature: Buffer.alloc(64, 9) };
    await Promise.all([witness.record(first), witness.record(second)]);
    expect(readdirSync(dir).sort()).toEqual([
      'checkpoint-000000000007.json',
      'checkpoint-000000000007.sig',
      'checkpoint-000000000012.json',
      'checkpoint-000000000012.sig',
    ]);
    expect(readFileSync(join(dir, 'checkpoint-000000000007.json'), 'utf8')).toBe(first.body);
    expect(readFileSync(join(dir, 'checkpoint-000000000007.sig'))).toEqual(first.signature);
    expect(witness.readAll()).toEqual([
      { origin: `witness:${dir}/checkpoint-000000000007.json`, body: first.body, signature: first.signature },
      { origin: `witness:${dir}/checkpoint-000000000012.json`, body: second.body, signature: second.signature },
    ]);
  });
});
