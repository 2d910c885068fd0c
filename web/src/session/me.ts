import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, problemOf, rememberCsrf } from '../api/client';
import type { paths } from '../api/schema';

export type Me = paths['/api/auth/me']['get']['responses'][200]['content']['application/json'];

export const ME_KEY = ['me'] as const;

/** Who is signed in (null: nobody), refreshed on focus; the CSRF token it carries is kept in memory only. */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async (): Promise<Me | null> => {
      const answer = await api.GET('/api/auth/me');
      if (answer.response.status === 401) {
        rememberCsrf(undefined);
        return null;
      }
      if (answer.data === undefined) throw problemOf(answer.error, answer.response);
      rememberCsrf(answer.data.csrfToken);
      return answer.data;
    },
    staleTime: 30_000,
    retry: false,
  });
}

/** The signed-in account, for screens that only render once someone is signed in. */
export function useSignedIn(): Me {
  const me = useMe().data;
  if (me === null || me === undefined) throw new Error('useSignedIn outside a signed-in shell');
  return me;
}

export function can(me: Me | null | undefined, permission: string): boolean {
  return me?.permissions.includes(permission) ?? false;
}

export function useRefreshMe() {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: ME_KEY });
}

/** Ends this session and forgets every other cached answer (the next person at this screen sees nothing of it). */
export function useSignOut() {
  const client = useQueryClient();
  return async () => {
    await api.POST('/api/auth/logout').catch(() => undefined);
    rememberCsrf(undefined);
    // Nobody is signed in now (the server ended the session, or will refuse it): say so at once, and drop
    // every other answer so that nothing of this account stays in the page's memory.
    client.setQueryData(ME_KEY, null);
    client.removeQueries({ predicate: (query) => query.queryKey[0] !== ME_KEY[0] });
  };
}
