import { createRoute } from '@tanstack/react-router';
import { shellRoute } from '../../router/root';
import { Empty } from '../../ui/controls';
import { Screen } from '../../ui/page';

// Placeholder screens of this area, replaced by the area's own screens.
const soon = (title: string) => () => (
  <Screen title={title}>
    <Empty title="Not built yet" hint="This screen is being built." />
  </Screen>
);

export const routes = [
  createRoute({ getParentRoute: () => shellRoute, path: '/admin/users', component: soon('Users and access') }),
  createRoute({ getParentRoute: () => shellRoute, path: '/admin/plant', component: soon('Plant model') }),
  createRoute({ getParentRoute: () => shellRoute, path: '/security/devices', component: soon('Devices and events') }),
];
