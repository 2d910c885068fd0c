import type { FastifyInstance } from 'fastify';
import { buildHttpApp } from '../http/app.js';
import type { Bastion } from './bastion.js';

/** Runs `use` on the HTTP app of `bastion` built but not listening: its routes are known only once registered. */
export async function withHttpApp<T>(bastion: Bastion, use: (app: FastifyInstance) => T | Promise<T>): Promise<T> {
  const app = await buildHttpApp(bastion);
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}
