import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, type FieldProblem } from '../kernel/errors.js';
import type { ErrorCode } from '../kernel/error-codes.js';
import { allowedMethods } from './methods.js';

/** RFC 9457 problem details. Never carries a stack trace or internal detail. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: ErrorCode;
  errors?: FieldProblem[];
}

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemOf(error: AppError, instance: string): ProblemDetails {
  return {
    type: `urn:bastion:problem:${error.code}`,
    title: titles[error.status] ?? 'Error',
    status: error.status,
    detail: error.message,
    instance,
    code: error.code,
    ...(error.fields && error.fields.length > 0 ? { errors: error.fields } : {}),
  };
}

/** Fastify's own client errors, each with a stable code and a fixed message that quotes nothing from the request. */
const fastifyErrors: Record<string, [code: ErrorCode, message: string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: ['body_too_large', 'The request body is larger than allowed.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the request body as application/json.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The request body is empty but JSON was declared.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The request body is not valid JSON.'],
  FST_ERR_MAX_PARAM_LENGTH: ['uri_too_long', 'A path segment is longer than allowed.'],
  FST_ERR_BAD_URL: ['bad_url', 'The request path is not a valid URL.'],
};

/**
 * Errors fastify raises before routing (a too-long path parameter: 414; a malformed URL: 400) skip every hook,
 * helmet's included, so the security headers are set here: strict ones, as the answer is only a problem body.
 */
const FRAMEWORK_ERROR_HEADERS = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'SAMEORIGIN',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
};

/** fastify's `frameworkErrors` option: its own pre-routing errors as problem details too. */
export function frameworkErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const appError = fromFastifyError(error);
  request.log.info({ code: appError.code, statusCode: appError.status }, 'request refused');
  void sendProblem(reply.headers(FRAMEWORK_ERROR_HEADERS), request, appError);
}

function validationError(error: FastifyError): AppError {
  const fields = (error.validation ?? []).map((v) => {
    const extra =
      typeof v.params === 'object' && v.params !== null && 'additionalProperty' in v.params
        ? `/${String(v.params.additionalProperty)}`
        : '';
    return { path: v.instancePath + extra || '/', message: v.message ?? 'is invalid' };
  });
  const where = error.validationContext ?? 'request';
  return new AppError('validation_failed', 400, `Invalid ${where}: ${fields[0]?.path} ${fields[0]?.message}`, fields);
}

function fromFastifyError(error: FastifyError): AppError {
  if (error.validation) return validationError(error);
  const status = error.statusCode ?? 500;
  const code = status === 400 && error instanceof SyntaxError ? 'FST_ERR_CTP_INVALID_JSON_BODY' : error.code;
  const known = fastifyErrors[code];
  if (known) return new AppError(known[0], status, known[1]);
  return status < 500
    ? new AppError('bad_request', status, 'The request is malformed.')
    : new AppError('internal_error', 500, 'An internal error occurred; it has been logged.');
}

export function sendProblem(reply: FastifyReply, request: FastifyRequest, error: AppError): FastifyReply {
  return reply.code(error.status).type('application/problem+json').send(problemOf(error, request.id));
}

export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const appError = error instanceof AppError ? error : fromFastifyError(error);
    if (appError.status >= 500) request.log.error({ err: error }, 'request failed');
    // Client errors are logged by code only: messages of parse errors can quote the body, secrets included.
    else request.log.info({ code: appError.code, statusCode: appError.status }, 'request refused');
    return sendProblem(reply, request, appError);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!;
    const allowed = allowedMethods(app.routeTable, path);
    if (allowed.length > 0) {
      const message = `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}.`;
      return sendProblem(
        reply.header('allow', allowed.join(', ')),
        request,
        new AppError('method_not_allowed', 405, message),
      );
    }
    return sendProblem(reply, request, new AppError('not_found', 404, `No route ${request.method} ${path}.`));
  });
}
