import { column, type DataCatalog } from '../privacy/catalog.js';

const actor = column('internal', ['personal']);
const time = column('internal');

/** The pipeline's own tables: retried commands' first results and commands waiting for a second approver. */
export const pipelineCatalog: DataCatalog = {
  command_idempotency: {
    description: 'The first result of a command sent with an idempotency key, returned to its retries.',
    rowKey: ['actor_id', 'idempotency_key'],
    columns: {
      actor_id: actor,
      idempotency_key: column('internal'),
      command: column('internal'),
      input_digest: column('internal'),
      // A command's output may hold anything the command returns: treated as confidential.
      result: column('confidential'),
      created_at: time,
    },
  },
  command_approvals: {
    description: 'Commands held for dual approval, with their input until approved or expired.',
    columns: {
      id: column('internal'),
      command: column('internal', ['security']),
      input: column('confidential'),
      author_kind: column('internal'),
      author_id: actor,
      origin: column('internal', ['security']),
      required: column('internal', ['security']),
      approvers: column('internal', ['personal', 'security']),
      state: column('internal'),
      created_at: time,
      expires_at: time,
    },
  },
};
