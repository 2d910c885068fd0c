/**
 * The error catalogue: every stable code the system answers with, its HTTP status and a one-line safe
 * description. Clients branch on these codes, so a code is never renamed or reused for another meaning; a new
 * one is added here first. The AppError family accepts only `ErrorCode`, so the compiler refuses an unknown
 * code, and src/kernel/error-codes.test.ts scans the sources for codes that slip past the types.
 */
export const errorCatalogue = {
  // 400: the request itself is wrong.
  validation_failed: { status: 400, description: 'The input does not match the schema or a business rule.' },
  bad_request: { status: 400, description: 'The request is malformed.' },
  invalid_json: { status: 400, description: 'The request body is empty or not valid JSON.' },
  bad_url: { status: 400, description: 'The request path is not a valid URL.' },
  signature_required: {
    status: 400,
    description: 'The command needs an electronic signature that is missing or wrong.',
  },
  // 401: who is calling is unknown.
  unauthenticated: { status: 401, description: 'Authentication is required or has failed.' },
  // 403: the caller is known but may not do this.
  forbidden: { status: 403, description: 'The caller is not allowed to do this.' },
  password_change_required: { status: 403, description: 'The one-time password must be changed first.' },
  mfa_required: { status: 403, description: 'The second factor must be verified first.' },
  mfa_enrolment_required: { status: 403, description: 'A role of the account needs a second factor: enrol one.' },
  csrf_token_invalid: { status: 403, description: 'A cookie-authenticated change lacks its session CSRF token.' },
  signer_not_person: { status: 403, description: 'Only a person logged in can sign electronically.' },
  dual_control: { status: 403, description: 'The change needs the approval of another administrator.' },
  separation_of_duties: { status: 403, description: 'The same person cannot both make and approve this.' },
  duplicate_approver: { status: 403, description: 'The caller has approved this already.' },
  privilege_escalation: { status: 403, description: 'The caller cannot grant or act beyond the rights held.' },
  // 404, 405: nothing there, or not that way.
  not_found: { status: 404, description: 'The resource or route does not exist.' },
  terminal_unknown: { status: 404, description: 'This browser is not an enrolled, live shop-floor terminal.' },
  method_not_allowed: { status: 405, description: 'The route exists but not for this method; see Allow.' },
  // 409: the request is valid but the current state refuses it.
  conflict: { status: 409, description: 'The current state refuses the request.' },
  illegal_transition: { status: 409, description: 'The object is not in a state that allows this step.' },
  idempotency_key_reused: { status: 409, description: 'The idempotency key was used for a different request.' },
  approval_closed: { status: 409, description: 'The approval request is decided already.' },
  approval_expired: { status: 409, description: 'The approval request has expired.' },
  already_bootstrapped: { status: 409, description: 'A bootstrap administrator exists already.' },
  username_taken: { status: 409, description: 'The user name is taken.' },
  badge_taken: { status: 409, description: 'The badge is assigned to another account.' },
  role_exists: { status: 409, description: 'A role of that name exists already.' },
  mfa_not_enrolled: { status: 409, description: 'No authenticator is enrolled.' },
  mfa_enrolled: { status: 409, description: 'An authenticator is enrolled or confirmed already.' },
  node_exists: { status: 409, description: 'A plant node at that path exists already.' },
  node_has_children: { status: 409, description: 'A plant node with live children cannot be retired.' },
  level_mismatch: { status: 409, description: 'The plant node exists at another level.' },
  material_exists: { status: 409, description: 'A material with that code exists already.' },
  no_released_definition: { status: 409, description: 'The product has no released version to make it by.' },
  order_exists: { status: 409, description: 'A work order with that number exists already.' },
  wrong_line: { status: 409, description: 'The work order runs on another line.' },
  sequence_enforced: { status: 409, description: 'An earlier operation must be completed first.' },
  operation_not_running: { status: 409, description: 'The operation is not running.' },
  lot_exists: { status: 409, description: 'A lot with that number exists already.' },
  lot_held: { status: 409, description: 'The lot is on hold and cannot be consumed.' },
  lot_scrapped: { status: 409, description: 'The lot has been scrapped and cannot be consumed.' },
  over_consumption: { status: 409, description: 'The lot has less left than the quantity to consume.' },
  serial_exists: { status: 409, description: 'A serial number is taken already.' },
  recipe_exists: { status: 409, description: 'A recipe with that code exists already.' },
  not_effective: { status: 409, description: 'The recipe has no effective version.' },
  seal_broken: { status: 409, description: 'The recipe version no longer matches its seal and is blocked.' },
  wrong_product: { status: 409, description: 'The work order makes another product than the recipe.' },
  order_not_finished: { status: 409, description: 'A batch record is made only for a completed or closed order.' },
  plan_exists: { status: 409, description: 'A plan with that code exists already.' },
  plan_product_mismatch: { status: 409, description: 'The inspection plan belongs to another product.' },
  wrong_equipment: { status: 409, description: 'The maintenance order is for other equipment.' },
  out_of_order: { status: 409, description: 'A later reading or state was applied already.' },
  device_exists: { status: 409, description: 'A device with that name or namespace exists already.' },
  quarantined: { status: 409, description: 'The device is quarantined already.' },
  not_quarantined: { status: 409, description: 'The device is not quarantined.' },
  demo_refused: { status: 409, description: 'The data directory is not a demo and will not be reset.' },
  data_dir_busy: { status: 409, description: 'Another Bastion process holds the data directory.' },
  backup_not_configured: { status: 409, description: 'No backup destination or recipient is configured.' },
  backup_busy: { status: 409, description: 'Other backup work is running; one job runs at a time.' },
  restore_target_live: { status: 409, description: 'The restore target is the data of a running Bastion.' },
  restore_target_not_empty: {
    status: 409,
    description: 'The restore target holds data; restoring over it needs force.',
  },
  // 413-429: limits.
  body_too_large: { status: 413, description: 'The request body is larger than allowed.' },
  uri_too_long: { status: 414, description: 'A path segment is longer than allowed.' },
  unsupported_media_type: { status: 415, description: 'The request body must be application/json.' },
  rate_limited: { status: 429, description: 'Too many requests; retry later.' },
  // 5xx: the server cannot answer now; detail stays in the log.
  internal_error: { status: 500, description: 'An internal error occurred; it has been logged.' },
  config_invalid: { status: 500, description: 'The configuration is invalid.' },
  field_unreadable: {
    status: 500,
    description: 'A stored value does not decrypt: it was changed or moved outside Bastion, or its key is gone.',
  },
  unavailable: { status: 503, description: 'A dependency is unavailable; retry shortly.' },
  database_unavailable: { status: 503, description: 'The database is unavailable; retry shortly.' },
  not_initialized: { status: 503, description: 'The data directory is not initialised.' },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

/** The codes whose catalogue status is `S`: ForbiddenError takes only 403 codes, ConflictError only 409 ones. */
export type ErrorCodeWithStatus<S extends number> = {
  [K in ErrorCode]: (typeof errorCatalogue)[K]['status'] extends S ? K : never;
}[ErrorCode];

export const errorCodes = Object.keys(errorCatalogue) as ErrorCode[];

export function isErrorCode(value: string): value is ErrorCode {
  return Object.hasOwn(errorCatalogue, value);
}
