import { api, unwrap } from '../../api/client';
import type { Severity } from './security-api';

/*
 * The incidents API (monitoring/incidents) is built beside this screen and is not yet in the generated client:
 * these types are its agreed shape, and the calls go through the same openapi-fetch client (so the CSRF
 * middleware and the problem handling are the same) with its path typing loosened for these few paths only.
 * Once the routes are in web/src/api/schema.d.ts, the types below become `paths[...]` lookups.
 */
export interface IncidentStep {
  position: number;
  step: string;
  doneAt: string | null;
  doneBy: string | null;
}

export interface IncidentEntry {
  at: string;
  actor: string;
  kind: string;
  text: string;
  ref: string | null;
}

export interface Incident {
  id: string;
  /** "INC-0001": what people say and the CLI accepts. */
  number: string;
  title: string;
  severity: Severity;
  state: 'open' | 'contained' | 'closed';
  owner: string | null;
  playbook: string | null;
  openedAt: string;
  openedBy: string;
  closedAt: string | null;
  rootCause: string | null;
  lessons: string | null;
  steps: IncidentStep[];
  alerts: { id: string; rule: string; severity: Severity; title: string; state: string }[];
  timeline: IncidentEntry[];
}

export interface Playbook {
  name: string;
  title: string;
  steps: string[];
}

type Answer = Promise<{ data?: unknown; error?: unknown; response: Response }>;
interface LooseClient {
  GET(url: string, init?: { params?: { query?: Record<string, string | number | undefined> } }): Answer;
  POST(url: string, init: { body: unknown }): Answer;
}
const loose = api as unknown as LooseClient;

const get = async <T>(url: string, query?: Record<string, string | number | undefined>) =>
  (await unwrap(loose.GET(url, query === undefined ? undefined : { params: { query } }))) as T;
const post = async <T>(url: string, body: unknown) => (await unwrap(loose.POST(url, { body }))) as T;
const one = (id: string) => `/api/security/incidents/${encodeURIComponent(id)}`;

export const INCIDENTS_KEY = ['security-incidents'] as const;

export const incidentPage = (state: string | undefined, cursor: string | undefined) =>
  get<{ items: Incident[]; nextCursor?: string | null }>('/api/security/incidents', { state, cursor, limit: 25 });
export const incident = (id: string) => get<Incident>(one(id));
export const playbooks = () => get<{ items: Playbook[] }>('/api/security/playbooks');

export const openIncident = (input: { title: string; severity: Severity; playbook?: string; alertIds?: string[] }) =>
  post<Incident>('/api/security/incidents', input);
export const markStep = (id: string, position: number, done: boolean) =>
  post<Incident>(`${one(id)}/steps/${position}`, { done });
export const addEntry = (id: string, kind: string, text: string) =>
  post<Incident>(`${one(id)}/entries`, { kind, text });
export const closeIncident = (id: string, rootCause: string, lessons: string) =>
  post<Incident>(`${one(id)}/close`, { rootCause, lessons });
