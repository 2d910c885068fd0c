import { Type, type Static } from '@sinclair/typebox';
import { canonicalJson } from '../../kernel/canonical-json.js';
import { sha256 } from '../../kernel/digest.js';
import { KeyStore, verifySignature, type SigningKey } from '../../kernel/keys/key-store.js';
import type { SealedContent } from './model.js';

export const RECIPE_KEY_FILE = 'recipe-signing.key';

/** SHA-256 digest (hex), Ed25519 signature over it (base64), and the id of the key that made it. */
export const sealSchema = Type.Object(
  { digest: Type.String(), signature: Type.String(), keyId: Type.String() },
  { additionalProperties: false },
);
export type Seal = Static<typeof sealSchema>;

/**
 * The recipe signing key (Ed25519, 0600, separate from the audit key so either can be rotated alone),
 * made at the first start (app/keys.ts). Several instances on one database need the same key file (see OPERATIONS.md).
 */
export class RecipeSealer {
  private signingKey: SigningKey | undefined;

  constructor(private readonly dataDir: string) {}

  private key(): SigningKey {
    if (this.signingKey) return this.signingKey;
    const store = KeyStore.of(this.dataDir);
    // Made at start-up (app/keys.ts) only when the database records none: never here, where a verb like
    // `recipes verify` on a data directory without the key would make one of its own.
    if (!store.has(RECIPE_KEY_FILE))
      throw new Error(
        `keys/${RECIPE_KEY_FILE} is missing from ${this.dataDir}: copy it from an instance of this database`,
      );
    this.signingKey = store.load(RECIPE_KEY_FILE);
    return this.signingKey;
  }

  seal(content: SealedContent): Seal {
    return this.sealBytes(canonicalJson(content));
  }

  /** Recomputes the digest from the stored content and checks the signature over it. */
  verify(content: SealedContent, seal: Seal): boolean {
    return this.verifyBytes(canonicalJson(content), seal);
  }

  /** Seals any bytes (a batch record's canonical JSON): SHA-256 digest, Ed25519 signature over the digest. */
  sealBytes(bytes: Buffer | string): Seal {
    const digest = sha256(bytes);
    const key = this.key();
    return {
      digest: digest.toString('hex'),
      signature: key.sign(digest).toString('base64'),
      keyId: key.keyId,
    };
  }

  verifyBytes(bytes: Buffer | string, seal: Seal): boolean {
    const digest = sha256(bytes);
    if (digest.toString('hex') !== seal.digest) return false;
    return verifySignature(this.key().publicKey, digest, Buffer.from(seal.signature, 'base64'));
  }
}
