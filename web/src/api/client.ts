import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './schema';

/**
 * The one way the page talks to Bastion: typed from the server's own OpenAPI document (scripts/web-api-types.mjs),
 * so a changed route breaks the build. The session rides in an HttpOnly cookie the page cannot read; state
 * changes carry the session's CSRF token, which lives in memory only (after a reload `/api/auth/me` gives it
 * again), so nothing secret is ever written to browser storage.
 */
let csrfToken = '';

export function rememberCsrf(token: string | undefined): void {
  csrfToken = token ?? '';
}

const csrf: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && csrfToken !== '') request.headers.set('x-csrf-token', csrfToken);
    return request;
  },
};

export const api = createClient<paths, `application/${string}json`>({
  baseUrl: globalThis.location.origin,
  credentials: 'same-origin',
});
api.use(csrf);

/** An RFC 9457 problem the server answered, with the fields it named. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface ProblemBody {
  detail?: string;
  title?: string;
  code?: string;
  errors?: { path?: string; message?: string }[];
}

export function problemOf(error: unknown, response: Response): ProblemError {
  const body = (typeof error === 'object' && error !== null ? error : {}) as ProblemBody;
  const fields: Record<string, string> = {};
  for (const e of body.errors ?? []) if (e.path !== undefined) fields[e.path] = e.message ?? 'invalid';
  const message = body.detail ?? body.title ?? `The server answered ${response.status} ${response.statusText}.`;
  return new ProblemError(response.status, body.code ?? 'http_error', message, fields);
}

/** The data of an answer, or its problem thrown (for TanStack Query, which shows thrown errors). */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let answer: { data?: T; error?: unknown; response: Response };
  try {
    answer = await call;
  } catch {
    throw new ProblemError(0, 'network', 'Bastion cannot be reached: check the network connection.');
  }
  if (answer.response.ok && answer.data !== undefined) return answer.data;
  throw problemOf(answer.error, answer.response);
}

/** A URL with its query encoded (for downloads, which the browser fetches itself with the cookie). */
export function urlOf(path: string, query: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/** What a command under dual control answers (202): it waits for a second person's approval. */
export interface PendingApproval {
  approvalPending: boolean;
  approvalId: string;
  approvalsRequired: number;
}

export const isPending = (result: unknown): result is PendingApproval =>
  typeof result === 'object' && result !== null && 'approvalPending' in result;

/** A command's result, or its pending approval (for screens that say "sent for approval"). */
export async function run<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Exclude<T, PendingApproval> | PendingApproval> {
  return (await unwrap(call)) as Exclude<T, PendingApproval> | PendingApproval;
}

/** A command's result; a command that went to approval instead is reported as such (a 202 is not a failure,
 * but the screen that called it expected it done). */
export async function execute<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<Exclude<T, PendingApproval>> {
  const result = await run(call);
  if (isPending(result))
    throw new ProblemError(
      202,
      'approval_pending',
      `Sent for approval (${result.approvalId}): a second person must approve it before it takes effect.`,
    );
  return result;
}
