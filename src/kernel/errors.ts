/**
 * One error family for the whole system. `code` is stable and machine-readable, `status` maps to HTTP,
 * `message` is safe to show to a client. Internal detail goes into `cause` and the log, never the client.
 */
import type { ErrorCode, ErrorCodeWithStatus } from './error-codes.js';

export interface FieldProblem {
  path: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: number,
    message: string,
    readonly fields?: FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export class ValidationError extends AppError {
  constructor(message: string, fields: FieldProblem[] = []) {
    super('validation_failed', 400, message, fields);
  }
}

export class AuthenticationError extends AppError {
  constructor(message = 'Authentication required.') {
    super('unauthenticated', 401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'You are not allowed to do this.', code: ErrorCodeWithStatus<403> = 'forbidden') {
    super(code, 403, message);
  }
}

export class NotFoundError extends AppError {
  constructor(message = 'Not found.') {
    super('not_found', 404, message);
  }
}

export class ConflictError extends AppError {
  constructor(message: string, code: ErrorCodeWithStatus<409> = 'conflict') {
    super(code, 409, message);
  }
}

export class RateLimitedError extends AppError {
  constructor(message = 'Too many requests; slow down and retry later.') {
    super('rate_limited', 429, message);
  }
}

export class UnavailableError extends AppError {
  constructor(message: string) {
    super('unavailable', 503, message);
  }
}

export class InternalError extends AppError {
  constructor(cause?: unknown) {
    super('internal_error', 500, 'An internal error occurred; it has been logged.', undefined, { cause });
  }
}

/** Anything thrown that is not an AppError becomes an opaque internal error for the caller. */
export function asAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new InternalError(error);
}
