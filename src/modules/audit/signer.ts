import { KeyStore, type SigningKey } from '../../kernel/keys/key-store.js';

/** Signs checkpoints: a key of the kernel's key store (a KMS or HSM can stand in later). */
export type CheckpointSigner = Pick<SigningKey, 'keyId' | 'sign'>;

export const SIGNING_KEY_FILE = 'audit-signing.key';
export const PUBLIC_KEY_FILE = 'audit-signing.pub.pem';

/** Creates the Ed25519 checkpoint key pair once, with its public half beside it for verifiers. */
export function createSigningKey(dataDir: string): { created: boolean; publicKeyFile: string } {
  const store = KeyStore.of(dataDir);
  const publicKeyFile = store.file(PUBLIC_KEY_FILE);
  if (!store.create(SIGNING_KEY_FILE)) return { created: false, publicKeyFile };
  store.exportPublicKey(SIGNING_KEY_FILE, PUBLIC_KEY_FILE);
  return { created: true, publicKeyFile };
}

export function loadSigner(dataDir: string): CheckpointSigner {
  return KeyStore.of(dataDir).load(SIGNING_KEY_FILE);
}
