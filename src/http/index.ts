/**
 * What a module's routes may use of the HTTP layer: schemas for answers and errors, the request's origin, the
 * scoped-read check and SVG replies. Nothing else of http/ is imported by modules (see .dependency-cruiser.cjs).
 */
export { authorizeScopedRead, csrfTokenOf, readScopesOf, requestCsrfToken, SESSION_COOKIE } from './authorization.js';
export { originOf } from './context.js';
export { answersIn, errorResponses, problemSchema } from './schemas.js';
export { sendSvg } from './svg.js';
export { createSelfSignedCertificate, loadTls, tlsPolicy } from './tls.js';
