import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Bastion } from '../app/bastion.js';
import { originOf } from './context.js';

/** A route handler that hands the request body to a command: one use case, many entry points. */
export function runCommand(bastion: Bastion, name: string, status = 200) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const result = await bastion.pipeline.execute(name, request.body ?? {}, request.actor, originOf(request));
    return reply.code(status).send(result);
  };
}
