import type { DomainEvent } from '../../kernel/events.js';
import type { VerificationReport } from './verify.js';

/** Published when a verification of the whole log finds it broken: monitoring raises audit-integrity from it. */
export const VERIFICATION_FAILED = 'audit.verification-failed';

/**
 * The event for a failed verification, or undefined for a passing one. It carries where the chain first breaks
 * and how many problems were found, never record content (that stays in the log for the investigator).
 */
export function verificationFailedEvent(
  report: VerificationReport,
  at: number,
  channel: 'cli' | 'http',
): DomainEvent | undefined {
  if (report.ok) return undefined;
  const payload = { firstBadSeq: report.firstBadSeq, problems: report.problems.length, channel, ok: false };
  return { type: VERIFICATION_FAILED, payload, at };
}
