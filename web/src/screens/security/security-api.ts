import { api, unwrap } from '../../api/client';
import type { paths } from '../../api/schema';

type Json<P extends keyof paths, M extends 'get' | 'post'> = paths[P][M] extends {
  responses: { 200: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Alert = Json<'/api/security/alerts', 'get'>['items'][number];
export type AlertState = Alert['state'];
export type Severity = Alert['severity'];
export type Rule = Json<'/api/security/rules', 'get'>['items'][number];
export type BackupJob = Json<'/api/backups', 'get'>['items'][number];
export type Drill = Json<'/api/backups/drills', 'get'>['items'][number];

export const SEVERITIES: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
export const SEVERITY_OPTIONS = SEVERITIES.map((s) => ({ value: s, label: s }));

export const ALERTS_KEY = ['security-alerts'] as const;
export const RULES_KEY = ['security-rules'] as const;

export const alertPage = (state: AlertState | undefined, cursor: string | undefined, limit = 25) =>
  unwrap(api.GET('/api/security/alerts', { params: { query: { state, cursor, limit } } }));

export const rules = () => unwrap(api.GET('/api/security/rules'));

export const backupStatus = () => unwrap(api.GET('/api/backups/status'));

/**
 * The posture summary (GET /api/security/posture). Its route lands with the metrics work; until then (and on any
 * server that lacks it) a 404 is "not available", not an error. The shape is read loosely on purpose: the panel
 * shows whatever figures the server gives, so a new figure appears without a change here.
 */
export async function posture(): Promise<Record<string, unknown> | null> {
  const response = await fetch('/api/security/posture', { credentials: 'same-origin' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`The security posture could not be read (${response.status}).`);
  const body: unknown = await response.json();
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : null;
}

/** A badge tone per severity: the colour repeats what the word says, never replaces it. */
export const toneOf = (severity: string): 'bad' | 'warn' | 'neutral' =>
  severity === 'critical' || severity === 'high' ? 'bad' : severity === 'medium' ? 'warn' : 'neutral';
