import type { FastifyRequest } from 'fastify';
import { ValidationError } from '../kernel/errors.js';
import type { Actor, Origin } from '../kernel/pipeline/types.js';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor;
  }
  interface FastifyContextConfig {
    /** The permission this route requires. Every route must name one; see http/authorization.ts. */
    permission?: string;
    /** The handler runs a command: the pipeline authorises it, at the command's scope, and audits a denial. */
    command?: boolean;
    /**
     * A read about one place in the plant (e.g. `?equipment=`): the hook only checks the permission is held
     * somewhere; the handler must then call `authorizeScopedRead` with the place.
     */
    scopedRead?: boolean;
  }
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{8,128}$/;

/** Where a request came from, for the audit record. */
export function originOf(request: FastifyRequest): Origin {
  const key = request.headers['idempotency-key'];
  if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
    throw new ValidationError('Idempotency-Key must be 8 to 128 printable ASCII characters.', [
      { path: 'header/idempotency-key', message: 'must be 8 to 128 printable ASCII characters' },
    ]);
  }
  return {
    channel: 'http',
    address: request.ip,
    requestId: request.id,
    ...(key !== undefined ? { idempotencyKey: key } : {}),
  };
}
