import type { Clock } from '../clock.js';
import { canonicalDigest } from '../digest.js';
import { AppError } from '../errors.js';
import type {
  Actor,
  AnyCommand,
  AuditEntry,
  Origin,
  SignatureInput,
  SignatureManifest,
  SignatureVerifier,
} from './types.js';

export interface SigningDeps {
  clock: Clock;
  verifier: SignatureVerifier | undefined;
  /** Audits a refused signature in its own transaction (the pipeline's record of an attempt). */
  refuse(entry: Omit<AuditEntry, 'actor'> & { actor: Actor }): Promise<void>;
}

export interface SigningRequest {
  command: AnyCommand;
  input: unknown;
  actor: Actor;
  origin: Origin;
  signature?: SignatureInput;
}

/**
 * The electronic-signature step of the pipeline (21 CFR 11.50/11.70/11.200): credentials re-entered, one of
 * the command's meanings stated, the signature bound to the digest of exactly what is signed. A missing,
 * misapplied or wrong signature is audited as denied and refused.
 */
export async function signCommand(deps: SigningDeps, request: SigningRequest): Promise<SignatureManifest> {
  const { command, input, actor, origin, signature } = request;
  const at = deps.clock.now();
  const meanings = command.signature!.meanings;
  const problem =
    signature === undefined
      ? 'This change needs an electronic signature: re-enter your password and state its meaning.'
      : !meanings.includes(signature.meaning)
        ? `A signature on ${command.name} may mean: ${meanings.join(', ')}.`
        : deps.verifier === undefined
          ? 'No signature verifier is configured.'
          : undefined;
  if (problem !== undefined || signature === undefined || deps.verifier === undefined) {
    await deps.refuse({ action: command.name, outcome: 'denied', actor, origin, reason: 'signature_required' });
    throw new AppError('signature_required', 400, problem ?? 'An electronic signature is required.');
  }
  try {
    await deps.verifier.verify(actor, signature, at);
  } catch (error) {
    await deps.refuse({ action: command.name, outcome: 'denied', actor, origin, reason: 'signature_invalid' });
    throw error;
  }
  return {
    signerId: actor.id,
    meaning: signature.meaning,
    signedAt: new Date(at).toISOString(),
    digest: canonicalDigest({ command: command.name, input }),
  };
}
