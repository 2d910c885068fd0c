import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { equalBytes, sha256 } from '../../../kernel/digest.js';
import { AuthenticationError } from '../../../kernel/errors.js';

/** Shorter tokens are refused at start: a scrape token is a long random secret (`openssl rand -hex 32`). */
const MIN_LENGTH = 32;

/**
 * The scrape token of `monitoring.metrics.tokenFile`, read once at start (a missing or short file stops start-up
 * with the key's name). Only its SHA-256 is kept; a presented token is hashed too and the two digests compared in
 * constant time, so neither the length nor a prefix of the token leaks through timing.
 */
export function scrapeTokenCheck(tokenFile: string): (request: FastifyRequest) => AuthenticationError | undefined {
  let token: string;
  try {
    token = readFileSync(tokenFile, 'utf8').trim();
  } catch (error) {
    throw new Error(`monitoring.metrics.tokenFile: cannot read ${tokenFile} (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (token.length < MIN_LENGTH)
    throw new Error(
      `monitoring.metrics.tokenFile: the token in ${tokenFile} must be at least ${MIN_LENGTH} characters`,
    );
  const expected = sha256(token);
  return (request) => {
    const given = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (given !== undefined && equalBytes(sha256(given), expected)) return undefined;
    return new AuthenticationError('Scraping /metrics needs the bearer token of monitoring.metrics.tokenFile.');
  };
}
