/** The few calls the page makes. The session lives in an HttpOnly cookie; state changes carry the CSRF token. */

export interface LoginResult {
  csrfToken: string;
  mustChangePassword: boolean;
  mfa: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

let csrf = sessionStorage.getItem('bastion.csrf') ?? '';

export function setCsrf(token: string): void {
  csrf = token;
  sessionStorage.setItem('bastion.csrf', token);
}

async function call<T>(method: 'GET' | 'POST', url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    credentials: 'same-origin',
    headers: method === 'POST' ? { 'content-type': 'application/json', 'x-csrf-token': csrf } : {},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = (await response.json().catch(() => ({}))) as { detail?: string };
  if (!response.ok) throw new ApiError(response.status, data.detail ?? `HTTP ${response.status}`);
  return data as T;
}

export const get = <T>(url: string) => call<T>('GET', url);
export const post = <T>(url: string, body: unknown = {}) => call<T>('POST', url, body);

/** A URL with its query built safely (every value encoded). */
export function withQuery(path: string, query: Record<string, string>): string {
  return `${path}?${new URLSearchParams(query).toString()}`;
}
