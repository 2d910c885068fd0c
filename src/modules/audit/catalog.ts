import { column, type DataCatalog } from '../../kernel/privacy/catalog.js';

const chain = column('internal', ['security']);

/** The hash-chained audit log, its Merkle tree and its signed checkpoints. */
export const auditCatalog: DataCatalog = {
  audit_records: {
    description: 'Append-only audit records: who did what to which target, when, from where, with what outcome.',
    rowKey: 'seq',
    appendOnly: true,
    columns: {
      seq: chain,
      // Actors' ids, addresses and targets: a record of people's actions.
      body: column('confidential', ['security', 'personal']),
      hash: chain,
    },
  },
  audit_merkle_nodes: {
    description: 'Stored subtree hashes of the audit Merkle tree (inclusion and consistency proofs).',
    rowKey: 'node',
    columns: { node: chain, hash: chain },
  },
  audit_checkpoints: {
    description: 'Signed tree heads of the audit log, also copied to witnesses.',
    rowKey: 'tree_size',
    appendOnly: true,
    columns: { tree_size: chain, body: chain, signature: chain, created_at: chain },
  },
};
