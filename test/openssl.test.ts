import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBastion, type TestBastion } from './support/bastion.js';
import { testDialect } from './support/database.js';

// The exact command docs/SECURITY.md gives auditors.
function opensslVerify(publicKey: string, body: string, signature: string) {
  return spawnSync(
    'openssl',
    ['pkeyutl', '-verify', '-pubin', '-inkey', publicKey, '-rawin', '-in', body, '-sigfile', signature],
    { encoding: 'utf8' },
  );
}

describe(`checkpoint signatures verify with openssl (${testDialect})`, () => {
  let t: TestBastion;
  let witness: string;
  beforeAll(async () => {
    t = await createTestBastion();
    witness = join(t.dataDir, 'witness');
  });
  afterAll(() => t.destroy());

  it('accepts the checkpoint as written', () => {
    const result = opensslVerify(
      t.bastion.publicKeyFile,
      join(witness, 'checkpoint-000000000001.json'),
      join(witness, 'checkpoint-000000000001.sig'),
    );
    expect(result.stdout).toContain('Signature Verified Successfully');
    expect(result.status).toBe(0);
  });

  it('rejects it after one byte is changed', () => {
    const copy = join(t.dataDir, 'tampered.json');
    copyFileSync(join(witness, 'checkpoint-000000000001.json'), copy);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 0x01;
    writeFileSync(copy, bytes);
    const result = opensslVerify(t.bastion.publicKeyFile, copy, join(witness, 'checkpoint-000000000001.sig'));
    expect(result.status).not.toBe(0);
    expect(result.stdout).toContain('Signature Verification Failure');
  });
});
