import { createRootRoute, createRoute, Outlet } from '@tanstack/react-router';
import { Shell } from '../layout/Shell';

/** The root: every page, the terminal included. */
export const rootRoute = createRootRoute({ component: Outlet });

/** Every screen of a signed-in person (sign-in, second factor and idle lock are handled by the shell). */
export const shellRoute = createRoute({ getParentRoute: () => rootRoute, id: 'shell', component: Shell });
