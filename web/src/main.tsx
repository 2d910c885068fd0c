import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ProblemError } from './api/client';
import { ME_KEY } from './session/me';
import { router } from './router';
import './styles/app.css';

/**
 * Answers are cached per screen and refreshed when the window regains focus; a 401 anywhere means the session
 * ended (idle, revoked, expired), so the shell asks who is signed in again and shows the sign-in.
 */
const onUnauthenticated = (error: unknown) => {
  if (error instanceof ProblemError && error.status === 401) void queryClient.invalidateQueries({ queryKey: ME_KEY });
};
const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onUnauthenticated }),
  mutationCache: new MutationCache({ onError: onUnauthenticated }),
  defaultOptions: {
    queries: {
      staleTime: 10_000,
      retry: (count, error) =>
        !(error instanceof ProblemError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

const root = document.getElementById('root');
if (root === null) throw new Error('the page has no #root element');
createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
