import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fingerprintOf, KeyFileError, keyIdOf, KeyStore, loadPublicKey, verifySignature } from './key-store.js';

describe('KeyStore', () => {
  let dataDir: string;
  let store: KeyStore;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'bastion-keys-'));
    store = KeyStore.of(dataDir);
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates an Ed25519 private key file with mode 0600 in a 0700 keys directory, once', () => {
    expect(store.create('test.key')).toBe(true);
    expect(statSync(join(dataDir, 'keys', 'test.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dataDir, 'keys')).mode & 0o777).toBe(0o700);
    const before = readFileSync(store.file('test.key'));
    expect(store.create('test.key')).toBe(false);
    expect(readFileSync(store.file('test.key'))).toEqual(before);
  });

  it('loads the same key back: its signatures verify under the exported public key, not under another', () => {
    store.create('a.key');
    store.create('b.key');
    const a = store.load('a.key');
    const publicFile = store.exportPublicKey('a.key', 'a.pub.pem');
    expect(statSync(publicFile).mode & 0o777).toBe(0o644);
    const data = Buffer.from('checkpoint');
    expect(verifySignature(loadPublicKey(publicFile), data, KeyStore.of(dataDir).load('a.key').sign(data))).toBe(true);
    expect(verifySignature(a.publicKey, data, store.load('b.key').sign(data))).toBe(false);
    expect(verifySignature(a.publicKey, data, Buffer.from('not a signature'))).toBe(false);
  });

  it('gives a stable fingerprint and key id: the same on every load, derived from the public key only', () => {
    store.create('k.key');
    const first = store.load('k.key');
    const again = new KeyStore(join(dataDir, 'keys')).load('k.key');
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(first.fingerprint).toMatch(/^ed25519-sha256:[0-9a-f]{64}$/);
    expect(first.keyId).toBe(first.fingerprint.slice('ed25519-sha256:'.length, 'ed25519-sha256:'.length + 16));
    expect(fingerprintOf(first.publicKey)).toBe(first.fingerprint);
    expect(keyIdOf(first.publicKey)).toBe(first.keyId);
  });

  it('refuses a corrupt, non-Ed25519 or missing key file with a configuration error naming the file', () => {
    store.create('corrupt.key');
    const whole = readFileSync(store.file('corrupt.key'), 'utf8');
    writeFileSync(store.file('corrupt.key'), whole.slice(0, whole.length >> 1)); // cut in half, as a failed copy would
    expect(() => store.load('corrupt.key')).toThrow(KeyFileError);
    expect(() => store.load('corrupt.key')).toThrow(`Key file ${store.file('corrupt.key')} is not a PEM private key`);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    writeFileSync(store.file('ec.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect(() => store.load('ec.key')).toThrow(
      `Key file ${store.file('ec.key')} holds a key of type ec, not an Ed25519 key`,
    );
    expect(() => store.load('absent.key')).toThrow(`Key file ${store.file('absent.key')} is missing`);
    expect(() => store.load('corrupt.key')).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });
});
