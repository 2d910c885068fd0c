import { api, problemOf } from '../../api/client';
import type { paths } from '../../api/schema';

type Body<P extends keyof paths> = paths[P] extends {
  post: { requestBody?: { content: { 'application/json': infer B } } };
}
  ? B
  : never;

export type OperationMove = 'start' | 'pause' | 'resume' | 'complete';

/** Everything an operator does, as data: what the outbox keeps (no secret in it) and sends later if it must. */
export type OperatorAction =
  | { kind: OperationMove; body: Body<'/api/orders/operations/start'> }
  | { kind: 'report'; body: Body<'/api/orders/operations/report'> }
  | { kind: 'consume'; body: Body<'/api/lots/produce'> }
  | { kind: 'inspect'; body: Body<'/api/quality/inspections'> }
  | { kind: 'state'; body: Body<'/api/performance/states'> };

export type SendOutcome = { sent: true } | { sent: false; status: number; reason: string };

/**
 * Posts one action with its Idempotency-Key: the server stores the first result under the key, so a resend
 * after a lost answer is answered from that record instead of being applied twice. A failed network rejects.
 */
export async function sendAction(action: OperatorAction, key: string): Promise<SendOutcome> {
  const init = { headers: { 'Idempotency-Key': key } };
  const answer = await (() => {
    switch (action.kind) {
      case 'start':
      case 'pause':
      case 'resume':
      case 'complete':
        return api.POST(`/api/orders/operations/${action.kind}`, { body: action.body, ...init });
      case 'report':
        return api.POST('/api/orders/operations/report', { body: action.body, ...init });
      case 'consume':
        return api.POST('/api/lots/produce', { body: action.body, ...init });
      case 'inspect':
        return api.POST('/api/quality/inspections', { body: action.body, ...init });
      case 'state':
        return api.POST('/api/performance/states', { body: action.body, ...init });
    }
  })();
  if (answer.response.ok) return { sent: true };
  return { sent: false, status: answer.response.status, reason: problemOf(answer.error, answer.response).message };
}
