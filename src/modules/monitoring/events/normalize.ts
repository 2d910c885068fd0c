import { COMMAND_RECORDED, SECURITY_EVENT, type DomainEvent, type RecordedPayload } from '../../../kernel/events.js';
import { newId } from '../../../kernel/ids.js';
import type { SecurityEvent, Severity } from './model.js';
import type { Technique } from './techniques.js';

type Detail = string | number | boolean | null;

/** The facts of an audit record's details worth keeping on a security event (never a secret or a value). */
const KEPT_DETAILS = [
  'refusal',
  'failedLogins',
  'locked',
  'policy',
  'role',
  'permission',
  'repeated',
  'ok',
  'kind',
  'vendor',
];

/**
 * Successful commands that matter to security (a grant, a recipe change, an export). Every other success (a
 * good-quantity report, a state change) is not a security event: it is in the audit log and that is enough.
 */
const WATCHED_SUCCESS =
  /^(identity\.|approval\.|audit\.(verify|export)|recipes?\.|privacy\.|crypto\.keys|backup\.|system\.config|ingest\.device\.|opcua\.|monitoring\.rules)/;

/** Commands the system runs on its own timer: never a security event when they succeed. */
const ROUTINE =
  /^(identity\.session\.touch|monitoring\.alerts\.(raise|escalate)|ingest\.batch|privacy\.dispose\.scheduled|crypto\.fields\.seal\.scheduled|system\.(start|stop))/;

const TECHNIQUE_OF_ACTION: [RegExp, Technique][] = [
  [/^identity\.login$/, 'T0859'],
  [/^identity\.mfa\./, 'T0859'],
  [/^identity\.(grant|revoke|role\.define|override)/, 'T0890'],
  [/^recipes?\./, 'T0836'],
];

function detailsOf(details: Record<string, unknown> | undefined): Record<string, Detail> {
  const kept: Record<string, Detail> = {};
  for (const key of KEPT_DETAILS) {
    const value = details?.[key];
    if (typeof value === 'string') kept[key] = value.slice(0, 200);
    else if (typeof value === 'number' || typeof value === 'boolean' || value === null) kept[key] = value;
  }
  return kept;
}

const base = (event: DomainEvent, source: string, kind: string, severity: Severity): SecurityEvent => ({
  id: newId(),
  at: event.at,
  source,
  kind,
  action: null,
  outcome: 'observed',
  severity,
  actor: null,
  device: null,
  place: null,
  address: null,
  target: null,
  technique: null,
  count: 1,
  details: {},
});

/** What an audited attempt is, as a kind a rule can match: login.failed, access.denied, command.succeeded… */
function kindOf(p: RecordedPayload): string {
  if (p.action === 'identity.login') return p.outcome === 'success' ? 'login.succeeded' : 'login.failed';
  // A wrong PIN for a known badge is a wrong password: brute force counts it against the account. A sign-in that
  // succeeds stays a command: operators move between a line's terminals and shifts, every one would look new.
  if (p.action === 'identity.terminal.sign-in' && p.outcome !== 'success' && p.target !== undefined)
    return 'login.failed';
  if (p.action === 'identity.mfa.verify') return p.outcome === 'success' ? 'mfa.succeeded' : 'mfa.failed';
  if (p.outcome === 'denied') return 'access.denied';
  return p.outcome === 'success' ? 'command.succeeded' : 'command.failed';
}

const severityOfAttempt = (p: RecordedPayload): Severity =>
  p.outcome === 'success' ? 'low' : p.outcome === 'denied' ? 'medium' : 'low';

/**
 * A login for a name no account has: each one counts as an account of its own (named by the event's id), so
 * password spraying over a list of guessed names is seen too. The name is not kept: it may be a mistyped password.
 */
const unknownAccount = (p: RecordedPayload, eventId: string): SecurityEvent['target'] =>
  p.action === 'identity.login' && p.details?.refusal === 'unknown_account'
    ? { type: 'unknown-account', id: eventId }
    : null;

function fromRecorded(event: DomainEvent): SecurityEvent | undefined {
  const p = event.payload as RecordedPayload;
  if (ROUTINE.test(p.action) && p.outcome === 'success') return undefined;
  if (p.outcome === 'success' && !WATCHED_SUCCESS.test(p.action)) return undefined;
  const technique = TECHNIQUE_OF_ACTION.find(([pattern]) => pattern.test(p.action))?.[1] ?? null;
  const security = base(event, p.action.split('.')[0] ?? 'pipeline', kindOf(p), severityOfAttempt(p));
  return {
    ...security,
    action: p.action,
    outcome: p.outcome,
    actor: p.actor,
    address: p.origin.address ?? null,
    target: p.target ?? unknownAccount(p, security.id),
    technique,
    details: {
      channel: p.origin.channel,
      ...(p.reason !== undefined ? { reason: p.reason } : {}),
      ...detailsOf(p.details),
    },
  };
}

/** Domain events that are security events as they are (`security.account-locked` → kind `account-locked`). */
function fromSecurityDomainEvent(event: DomainEvent): SecurityEvent {
  const kind = event.type.slice('security.'.length);
  const p = event.payload;
  const severity = (typeof p.severity === 'string' ? p.severity : 'medium') as Severity;
  const userId = typeof p.userId === 'string' ? p.userId : null;
  return {
    ...base(event, 'security', kind, severity),
    target: userId !== null ? { type: 'user', id: userId } : null,
    // Where it happened, when the source knows: a set point changed at a machine names its equipment.
    device: typeof p.deviceId === 'string' ? p.deviceId : null,
    place: typeof p.equipment === 'string' ? p.equipment : null,
    details: detailsOf(p),
  };
}

/** `security.event` (kernel/events.ts): a module's own security-relevant happening, with its severity. */
function fromModuleSecurityEvent(event: DomainEvent): SecurityEvent {
  const p = event.payload as { source: string; kind: string; severity: Severity; message: string };
  return {
    ...base(event, p.source, `${p.source}.${p.kind}`, p.severity),
    details: { message: p.message.slice(0, 200) },
  };
}

/** A device message ingest refused, counted (ingest/security.ts). */
function fromIngest(event: DomainEvent): SecurityEvent {
  const p = event.payload as {
    kind: string;
    deviceId: string | null;
    address: string | null;
    count?: number;
    detail?: string | null;
  };
  return {
    ...base(event, 'ingest', `device.${p.kind}`, 'medium'),
    device: p.deviceId,
    address: p.address,
    count: typeof p.count === 'number' ? p.count : 1,
    details: { detail: p.detail ?? null },
  };
}

type Mapper = (event: DomainEvent) => SecurityEvent | undefined;

/** Bus event types (exact) mapped to security events; `security.*` and the pipeline's records are handled above. */
const EXACT: Record<string, Mapper> = {
  [COMMAND_RECORDED]: fromRecorded,
  [SECURITY_EVENT]: fromModuleSecurityEvent,
  'ingest.security-event': fromIngest,
  'backup.failed': (e) => ({ ...base(e, 'backup', 'backup.failed', 'high'), details: detailsOf(e.payload) }),
  'backup.copy-failed': (e) => ({ ...base(e, 'backup', 'backup.copy-failed', 'high'), details: detailsOf(e.payload) }),
  'backup.drill-failed': (e) => ({ ...base(e, 'backup', 'drill.failed', 'high'), details: detailsOf(e.payload) }),
  'audit.witness-failed': (e) => ({ ...base(e, 'audit', 'audit.unwitnessed', 'high'), details: detailsOf(e.payload) }),
  // A machine reported a process value outside the validated range of its recipe (recipes/deviations.ts).
  'recipes.deviation': (e) => ({
    ...base(e, 'recipes', 'device.out-of-range', e.payload.critical === true ? 'high' : 'medium'),
    place: typeof e.payload.equipment === 'string' ? e.payload.equipment : null,
    details: detailsOf(e.payload),
  }),
  'privacy.subject-erased': (e) => base(e, 'privacy', 'privacy.subject-erased', 'low'),
};

/** Maps one bus event to a security event, or undefined when it is not one. */
export function securityEventOf(event: DomainEvent): SecurityEvent | undefined {
  const exact = EXACT[event.type];
  if (exact) return exact(event);
  if (event.type.startsWith('security.')) return fromSecurityDomainEvent(event);
  return undefined;
}
