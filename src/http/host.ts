import type { BastionModule, ModuleContext } from '../kernel/module.js';
import type { Authenticator } from '../kernel/pipeline/types.js';

/** What the HTTP layer is built from: app/ composes it; http/ never sees the application object itself. */
export interface HttpHost {
  readonly context: ModuleContext;
  readonly modules: readonly BastionModule[];
  /** Who a token or session cookie belongs to; without one, every caller is anonymous. */
  readonly authenticator?: Authenticator;
}
