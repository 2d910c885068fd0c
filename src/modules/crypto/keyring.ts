import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../kernel/clock.js';
import { ConfigError } from '../../kernel/config/load.js';
import { newId } from '../../kernel/ids.js';
import { FieldUnreadableError, type FieldCipher, type FieldRef, type KeyChoice } from '../../kernel/privacy/cipher.js';
import type { AnyTables, ReadDb } from '../../kernel/store.js';
import { decrypt, encrypt, KEY_BYTES } from './aead.js';
import type { KeyEncryptionKey } from './kek.js';
import { activeKey, insertKey, keyById, newestVersion, setState, type KeyRow } from './key-rows.js';
import type { CryptoTables } from './schema.js';
import { fieldAad, formatSealed, keyAad, parseSealed } from './sealed-value.js';

/** A data key in memory. */
export interface Dek {
  id: string;
  purpose: string;
  subject: string;
  version: number;
  key: Buffer;
}

export const BLIND_INDEX_PURPOSE = 'blind-index';
/**
 * How long an instance keeps sealing with the active key it knows before asking the database again: after a
 * rotation (on any instance) every instance seals under the new version within this time. A rotation waits
 * longer than this before its last pass and the retirement of the old version.
 */
export const ACTIVE_KEY_TTL_MS = 2_000;

type Tx = Kysely<CryptoTables>;
const slot = (purpose: string, subject: string) => `${purpose}\0${subject}`;

/**
 * The keyring: data keys per purpose (and per data subject), wrapped by the KEK, unwrapped into memory.
 * Implements the kernel's FieldCipher port. Key material never leaves this object except wrapped.
 */
export class Keyring implements FieldCipher {
  private kekInUse?: KeyEncryptionKey;
  private db?: ReadDb<CryptoTables>;
  private readonly byId = new Map<string, Dek>();
  private readonly active = new Map<string, { dek: Dek; until: number }>();
  /** Keys made in a transaction not yet known to be committed: used only within that transaction. */
  private readonly madeIn = new WeakMap<object, Map<string, Dek>>();
  private readonly shredded = new Set<string>();
  private indexKeys = new Map<string, Buffer>();
  private blindKey?: Buffer;

  constructor(private readonly clock: Clock) {}

  get kek(): KeyEncryptionKey {
    if (!this.kekInUse) throw new Error('the keyring is not started');
    return this.kekInUse;
  }

  /** Unwraps every usable data key; a KEK that does not open them stops start-up here (see start.ts). */
  async load(db: ReadDb<CryptoTables>, kek: KeyEncryptionKey, rows: KeyRow[]): Promise<void> {
    this.db = db;
    this.kekInUse = kek;
    for (const row of rows) await this.material(row);
    const blind = rows.find((r) => r.purpose === BLIND_INDEX_PURPOSE && r.state === 'active');
    if (blind) this.useBlindKey(this.byId.get(blind.id)!);
  }

  /**
   * Makes the blind-index key of a database that has none, in `tx` (app/bastion.ts runs it at start-up, as
   * app/keys.ts makes the other keys: it is key material, not a change by anyone). Call loadBlindKey after.
   */
  async prepare(tx: Kysely<AnyTables>): Promise<void> {
    if (this.blindKey || (await activeKey(tx as Tx, BLIND_INDEX_PURPOSE, ''))) return;
    await this.createKey(tx as Tx, BLIND_INDEX_PURPOSE, '');
  }

  async loadBlindKey(): Promise<void> {
    if (this.blindKey) return;
    const row = await activeKey(this.db!, BLIND_INDEX_PURPOSE, '');
    if (!row) throw new Error('the database has no blind-index key');
    this.useBlindKey(await this.material(row));
  }

  isSealed(stored: string): boolean {
    return parseSealed(stored) !== undefined;
  }

  async seal(tx: Kysely<AnyTables>, plain: string, field: FieldRef, choice: KeyChoice): Promise<string> {
    const subject = choice.subject ?? '';
    // The usual case answers from memory without an await: sealing is on every write path.
    const known = this.active.get(slot(choice.purpose, subject));
    const dek =
      known && known.until > this.clock.now() ? known.dek : await this.sealingKey(tx as Tx, choice.purpose, subject);
    return formatSealed(dek.id, encrypt(dek.key, Buffer.from(plain, 'utf8'), fieldAad(field)));
  }

  /** `tx`: inside a transaction on SQLite's single connection, an unknown key must be read through it. */
  async open(stored: string, field: FieldRef, tx?: Kysely<AnyTables>): Promise<string> {
    const sealed = parseSealed(stored);
    if (!sealed) throw new FieldUnreadableError('not-sealed', field);
    const dek = this.byId.get(sealed.keyId) ?? (await this.reload(sealed.keyId, field, (tx ?? this.db) as Tx));
    const plain = decrypt(dek.key, sealed, fieldAad(field));
    if (!plain) throw new FieldUnreadableError('tampered', field);
    return plain.toString('utf8');
  }

  blindIndex(value: string, purpose: string): string {
    if (!this.blindKey) throw new Error('the keyring has no blind-index key yet');
    let key = this.indexKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.blindKey, Buffer.alloc(0), `bastion blind index v1\0${purpose}`, 32));
      this.indexKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(value, 'utf8').digest('hex');
  }

  async shred(tx: Kysely<AnyTables>, subject: string, at: number): Promise<number> {
    if (subject === '') return 0;
    const db = tx as Tx;
    const rows = await db
      .selectFrom('crypto_keys')
      .select('id')
      .where('subject', '=', subject)
      .where('state', '!=', 'shredded')
      .execute();
    const ids = rows.map((r) => r.id);
    await setState(db, ids, 'shredded', at);
    for (const id of ids) this.forgetKey(id);
    for (const id of ids) this.shredded.add(id);
    return ids.length;
  }

  /** Makes version n+1 of a purpose's shared key the active one in `tx`; the caller marks n decrypt-only. */
  async createVersion(tx: Tx, purpose: string, subject: string): Promise<Dek> {
    return this.createKey(tx, purpose, subject);
  }

  /** After a rotation commits: the next seal asks the database for the active key again. */
  forgetActive(purpose: string): void {
    for (const [key, entry] of this.active) if (entry.dek.purpose === purpose) this.active.delete(key);
  }

  forgetKey(id: string): void {
    const dek = this.byId.get(id);
    if (dek) dek.key.fill(0);
    this.byId.delete(id);
    for (const [key, entry] of this.active) if (entry.dek.id === id) this.active.delete(key);
  }

  /** Re-wraps every usable data key under `next` in `tx`; the keyring switches to it after commit. */
  async rewrap(tx: Tx, next: KeyEncryptionKey): Promise<number> {
    const rows = await tx
      .selectFrom('crypto_keys')
      .selectAll()
      .where('state', 'in', ['active', 'decrypt-only'])
      .where('kek_id', '!=', next.id)
      .execute();
    for (const row of rows) {
      const dek = await this.material(row);
      const wrapped = await next.wrap(dek.key, keyAad(row.id, row.purpose, row.subject));
      await tx
        .updateTable('crypto_keys')
        .set({ wrapped: wrapped.toString('base64url'), kek_id: next.id })
        .where('id', '=', row.id)
        .execute();
    }
    return rows.length;
  }

  useKek(next: KeyEncryptionKey): void {
    this.kekInUse = next;
  }

  private async sealingKey(tx: Tx, purpose: string, subject: string): Promise<Dek> {
    const known = this.active.get(slot(purpose, subject));
    if (known && known.until > this.clock.now()) return known.dek;
    const made = this.madeIn.get(tx)?.get(slot(purpose, subject));
    if (made) return made;
    const row = await activeKey(tx, purpose, subject);
    // Not made in this transaction, so committed: safe to use from any transaction.
    if (row) return this.remember(await this.material(row));
    return this.createKey(tx, purpose, subject);
  }

  private remember(dek: Dek): Dek {
    this.active.set(slot(dek.purpose, dek.subject), { dek, until: this.clock.now() + ACTIVE_KEY_TTL_MS });
    return dek;
  }

  private async createKey(tx: Tx, purpose: string, subject: string): Promise<Dek> {
    await this.refuseAfterKekRotation(tx);
    const dek: Dek = { id: newId(), purpose, subject, version: 0, key: randomBytes(KEY_BYTES) };
    dek.version = (await newestVersion(tx, purpose, subject)) + 1;
    const wrapped = await this.kek.wrap(dek.key, keyAad(dek.id, purpose, subject));
    await insertKey(tx, {
      ...{ id: dek.id, purpose, subject, version: dek.version, state: 'active', kek_id: this.kek.id },
      ...{ wrapped: wrapped.toString('base64url'), created_at: this.clock.now(), retired_at: null },
    });
    const standing = await activeKey(tx, purpose, subject);
    // Another instance made this version first: use theirs (ours was not inserted).
    if (standing && standing.id !== dek.id) return this.remember(await this.material(standing));
    this.byId.set(dek.id, dek);
    const mine = this.madeIn.get(tx) ?? new Map<string, Dek>();
    this.madeIn.set(tx, mine.set(slot(purpose, subject), dek));
    return dek;
  }

  /** A key wrapped by the old KEK after `keys rotate --kek` would not open on restarted instances. */
  private async refuseAfterKekRotation(tx: Tx): Promise<void> {
    const other = await tx
      .selectFrom('crypto_keys')
      .select('kek_id')
      .where('state', 'in', ['active', 'decrypt-only'])
      .where('kek_id', '!=', this.kek.id)
      .limit(1)
      .executeTakeFirst();
    if (other)
      throw new ConfigError(
        'The key-encryption key was rotated: restart this instance with the new KEK before it makes new data keys',
      );
  }

  private async reload(id: string, field: FieldRef, db: Tx): Promise<Dek> {
    if (this.shredded.has(id)) throw new FieldUnreadableError('shredded', field);
    const row = await keyById(db, id);
    if (row?.state === 'shredded') throw new FieldUnreadableError('shredded', field);
    if (!row || row.state === 'retired') throw new FieldUnreadableError('unknown-key', field);
    return this.material(row);
  }

  private async material(row: KeyRow): Promise<Dek> {
    const cached = this.byId.get(row.id);
    if (cached) return cached;
    const key = await this.kek.unwrap(Buffer.from(row.wrapped, 'base64url'), keyAad(row.id, row.purpose, row.subject));
    const dek: Dek = { id: row.id, purpose: row.purpose, subject: row.subject, version: row.version, key };
    this.byId.set(row.id, dek);
    return dek;
  }

  private useBlindKey(dek: Dek): void {
    this.blindKey = dek.key;
    this.indexKeys = new Map();
  }
}
