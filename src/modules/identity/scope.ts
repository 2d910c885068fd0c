/**
 * A scope is a path in the ISA-95 plant hierarchy: '/' is the enterprise, '/site-a/area-1/line-2' a line.
 * A grant at a node covers the node and everything below it; the plant module names the nodes.
 */
export const ENTERPRISE = '/';

export const SCOPE_PATTERN = '^/([A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*)?$';
const scopePattern = new RegExp(SCOPE_PATTERN);

export function isScope(value: string): boolean {
  return scopePattern.test(value);
}

export function covers(grantScope: string, target: string): boolean {
  return grantScope === ENTERPRISE || target === grantScope || target.startsWith(`${grantScope}/`);
}

/**
 * The grants a session at a line's terminal may use: those at the line or below it apply as they are; one above
 * it (an ancestor, the enterprise included) applies at the line only; any other place is out of reach.
 */
export function confineToLine<G extends { scope: string }>(grants: readonly G[], line: string): G[] {
  return grants.flatMap((grant) => {
    if (covers(grant.scope, line)) return [{ ...grant, scope: line }];
    return covers(line, grant.scope) ? [grant] : [];
  });
}
