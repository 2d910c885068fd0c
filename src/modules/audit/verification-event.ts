import { SECURITY_EVENT, type DomainEvent, type SecurityEventPayload } from '../../kernel/events.js';
import type { VerificationReport } from './verify.js';

/**
 * The security event a verification of the log leaves (kind `verified` or `verification-failed`, source `audit`,
 * so monitoring stores `audit.verified` / `audit.verification-failed`): the last verification is then a fact
 * the posture API and /metrics can report, and a failure one the audit-integrity rule sees.
 */
export function verificationEvent(report: VerificationReport): SecurityEventPayload {
  if (report.ok)
    return {
      source: 'audit',
      kind: 'verified',
      severity: 'low',
      message: `audit log verified: ${report.recordsChecked} records, ${report.checkpointsChecked} checkpoints`,
    };
  const first = report.problems[0];
  return {
    source: 'audit',
    kind: 'verification-failed',
    severity: 'critical',
    message: `audit log verification failed${report.firstBadSeq !== null ? ` at record ${report.firstBadSeq}` : ''}: ${first?.message ?? 'see the report'}`,
  };
}

/** The same, as the bus event monitoring records (`security.event`). */
export const verificationEventAt = (report: VerificationReport, at: number): DomainEvent => ({
  type: SECURITY_EVENT,
  at,
  payload: verificationEvent(report),
});
