import { useSyncExternalStore } from 'react';
import { Button, When } from '../../ui/controls';
import { dismiss, useOutbox } from './outbox';

function subscribeOnline(listener: () => void) {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

export const useOnline = () => useSyncExternalStore(subscribeOnline, () => navigator.onLine);

/** What has not reached Bastion yet, and what it refused: said in words, never by colour alone. */
export function OutboxPanel({ user }: { user: string }) {
  const entries = useOutbox(user);
  const online = useOnline();
  const pending = entries.filter((e) => e.status === 'pending');
  const refused = entries.filter((e) => e.status === 'refused' && e.user === user);
  const count = pending.length === 1 ? '1 action not yet sent' : `${pending.length} actions not yet sent`;
  return (
    <section className={`outbox ${pending.length > 0 ? 'outbox-waiting' : ''}`} aria-label="Outbox">
      <p role="status" className="outbox-status">
        <strong>{pending.length === 0 ? 'All actions sent.' : count}</strong>
        {!online && <span> · Offline: actions are kept here and sent when the network returns.</span>}
      </p>
      {pending.length > 0 && (
        <ol className="outbox-list" aria-label="Actions not yet sent">
          {pending.map((e) => (
            <li key={e.key}>
              <span>{e.label}</span> <When at={e.createdAt} />
              {e.user !== user && <span> · waiting for {e.user} to sign in</span>}
              {e.lastError !== undefined && <span className="outbox-error"> · {e.lastError}</span>}
            </li>
          ))}
        </ol>
      )}
      {refused.length > 0 && (
        <ul className="outbox-list" aria-label="Actions refused">
          {refused.map((e) => (
            <li key={e.key} className="outbox-refused">
              <span>
                <strong>Refused:</strong> {e.label} — {e.reason}
              </span>
              <Button variant="secondary" onPress={() => dismiss(e.key)} aria-label={`Dismiss refused: ${e.label}`}>
                Dismiss
              </Button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
