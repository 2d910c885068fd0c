import { useSignedIn } from '../../session/me';

/**
 * Actors are user IDs in alerts and incidents (as in the audit log); the signed-in person's own ID reads as
 * "you", the one a person recognises at once. Other IDs stay IDs: they are what the audit log searches by.
 */
export function useWho(): (id: string | null) => string {
  const me = useSignedIn();
  return (id) => (id === null ? '—' : id === me.id ? `you (${me.username})` : id);
}
