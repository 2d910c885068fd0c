import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

/** Sends one request and resolves to its status code once the whole response has been read. */
export type Send = () => Promise<number>;

export interface Target {
  key: 'healthz' | 'healthzBearer' | 'me' | 'users';
  label: string;
  url: string;
  authenticated: boolean;
}

/**
 * The baseline (no token: no authentication, a public permission), the same route with the token
 * (authentication alone: the permission is public, so no authorisation), and two authorised reads:
 * an `everyone` permission and one that needs the administrator's role grant.
 */
export const TARGETS: Target[] = [
  { key: 'healthz', label: 'GET /healthz (anonymous)', url: '/healthz', authenticated: false },
  { key: 'healthzBearer', label: 'GET /healthz + bearer', url: '/healthz', authenticated: true },
  { key: 'me', label: 'GET /api/auth/me', url: '/api/auth/me', authenticated: true },
  { key: 'users', label: 'GET /api/users', url: '/api/users', authenticated: true },
];

const headersFor = (target: Target, token: string): Record<string, string> =>
  target.authenticated ? { authorization: `Bearer ${token}` } : {};

/** In process: Fastify's light-my-request, no socket and no HTTP parser. */
export function injectSender(app: FastifyInstance, target: Target, token: string): Send {
  const headers = headersFor(target, token);
  return async () => (await app.inject({ method: 'GET', url: target.url, headers })).statusCode;
}

export interface LoopbackServer {
  port: number;
  agent: http.Agent;
  /** TCP connections the server has accepted: 1 when keep-alive holds for the whole section. */
  connections(): number;
  close(): Promise<void>;
}

/** Plain HTTP on 127.0.0.1 (the app was built without the https option) with one keep-alive socket. */
export async function listenLoopback(app: FastifyInstance): Promise<LoopbackServer> {
  let accepted = 0;
  app.server.on('connection', () => void accepted++);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    port,
    agent,
    connections: () => accepted,
    async close() {
      agent.destroy();
      await app.close();
    },
  };
}

export function httpSender(server: LoopbackServer, target: Target, token: string): Send {
  const options: http.RequestOptions = {
    host: '127.0.0.1',
    port: server.port,
    path: target.url,
    method: 'GET',
    agent: server.agent,
    headers: headersFor(target, token),
  };
  return () =>
    new Promise<number>((resolve, reject) => {
      const request = http.request(options, (response) => {
        response.on('error', reject);
        response.on('end', () => resolve(response.statusCode ?? 0));
        response.resume();
      });
      request.on('error', reject);
      request.end();
    });
}
