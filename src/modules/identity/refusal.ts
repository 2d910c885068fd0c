import type { AppError } from '../../kernel/errors.js';
import { CommandRefusal } from '../../kernel/pipeline/types.js';

/**
 * A refusal that must still commit (a failed login counts toward lockout): the pipeline recognises the
 * returned CommandRefusal, commits, audits a failure and throws `error`. The kernel's handler type promises
 * `Static<output>` only and does not yet admit a CommandRefusal, so the value is typed `never` here (it never
 * reaches a caller as a result); reported to the lead: `handler` should return `Static<O> | CommandRefusal`.
 */
export function refusal(error: AppError): never {
  return new CommandRefusal(error) as never;
}
