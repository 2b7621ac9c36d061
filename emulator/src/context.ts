import type { ConnectionStore } from './connection/connection-store.js';
import type { ClientInvocationPolicy } from './connection/hub-connection.js';
import type { HubLifetimeManager } from './lifetime/hub-lifetime-manager.js';
import type { ResolvedOptions } from './options.js';
import type { Upstream } from './upstream/upstream.js';

/** What the HTTP handlers share: settings, the connection registry and the lifetime manager. */
export interface EmulatorContext {
  readonly options: ResolvedOptions;
  readonly lifetime: HubLifetimeManager;
  readonly connections: ConnectionStore;
  readonly policy: ClientInvocationPolicy;
  /** Present when upstream templates are configured. */
  readonly upstream: Upstream | undefined;
  /** The port actually listened on (known after listen). */
  port(): number;
}
