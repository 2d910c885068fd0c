import type { FastifyReply } from 'fastify';

/** Sends a server-drawn chart: no script may run in it, even when opened directly in a browser. */
export function sendSvg(reply: FastifyReply, svg: string): FastifyReply {
  return reply
    .type('image/svg+xml; charset=utf-8')
    .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
    .serializer((body: string) => body)
    .send(svg);
}
