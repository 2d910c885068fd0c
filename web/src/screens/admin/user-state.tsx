import { useState } from 'react';
import type { paths } from '../../api/schema';
import { Badge } from '../../ui/controls';

export type Account = paths['/api/users/{id}']['get']['responses'][200]['content']['application/json']['user'];

/** An account's state written out (disabled, locked, expired, password change due), never colour alone. */
export function AccountState({ user }: { user: Account }) {
  // The time the state was first shown: an expiry passing while the page is open shows at the next load.
  const [now] = useState(() => Date.now());
  const expired = user.expiresAt !== null && Date.parse(user.expiresAt) <= now;
  const states: [string, 'good' | 'bad' | 'warn' | 'neutral'][] = [];
  if (user.disabled) states.push(['disabled', 'bad']);
  if (user.locked) states.push(['locked', 'bad']);
  if (expired) states.push(['expired', 'bad']);
  if (user.mustChangePassword) states.push(['must change password', 'warn']);
  if (states.length === 0) states.push(['active', 'good']);
  return (
    <span className="admin-badges">
      {states.map(([label, tone]) => (
        <Badge key={label} tone={tone}>
          {label}
        </Badge>
      ))}
    </span>
  );
}
