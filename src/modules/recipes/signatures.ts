import { Type } from '@sinclair/typebox';
import type { VersionRow } from './store.js';
import type { RecipeSource } from './sealed-content.js';
import { openDisplayName } from '../identity/index.js';

/**
 * The signature manifestation of an approval (21 CFR 11.50): the signer's printed name, the meaning and the
 * time, shown wherever the version is shown. The meaning is always "approved": the approve command accepts
 * no other.
 */
export const approvalManifest = Type.Object(
  {
    signer: Type.String({ description: 'user name of the signer' }),
    // Not masked by clearance: 21 CFR 11.50 wants the signer's printed name with every signature shown.
    name: Type.String({ description: 'printed name of the signer' }),
    meaning: Type.Literal('approved'),
    at: Type.String(),
  },
  { additionalProperties: false },
);

export const signatureFields = {
  author: Type.String({ description: 'user name of the author of the version' }),
  approvals: Type.Array(approvalManifest, { description: 'the electronic signatures given so far, oldest first' }),
};

export interface Signatures {
  author: string;
  approvals: { signer: string; name: string; meaning: 'approved'; at: string }[];
}

/** Authors and approvers of these versions by name, in two queries for a whole page of versions. */
export async function signaturesOf(
  { db, cipher }: RecipeSource,
  versions: VersionRow[],
): Promise<(v: VersionRow) => Signatures> {
  const ids = versions.map((v) => v.id);
  const approvals =
    ids.length === 0
      ? []
      : await db
          .selectFrom('recipe_approvals as a')
          .innerJoin('users as u', 'u.id', 'a.approver_id')
          .select(['a.version_id', 'u.id', 'u.username', 'u.display_name', 'a.approved_at'])
          .where('a.version_id', 'in', ids)
          .orderBy('a.approved_at')
          .orderBy('u.username')
          .execute();
  const names = new Map(
    await Promise.all(approvals.map(async (a) => [a.id, await openDisplayName(cipher, a.id, a.display_name)] as const)),
  );
  const authorIds = [...new Set(versions.map((v) => v.author_id))];
  const authors =
    authorIds.length === 0
      ? []
      : await db.selectFrom('users').select(['id', 'username']).where('id', 'in', authorIds).execute();
  const authorName = new Map(authors.map((a) => [a.id, a.username]));
  return (v) => ({
    // An author missing from users (removed since) is shown by id rather than not at all.
    author: authorName.get(v.author_id) ?? v.author_id,
    approvals: approvals
      .filter((a) => a.version_id === v.id)
      .map((a) => ({
        signer: a.username,
        name: names.get(a.id) ?? a.username,
        meaning: 'approved' as const,
        at: new Date(Number(a.approved_at)).toISOString(),
      })),
  });
}
