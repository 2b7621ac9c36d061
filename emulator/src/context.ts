import type { ClientInvocationPolicy } from './connection/client-invocations.js';
import type { ConnectionStore } from './connection/connection-store.js';
import type { HubLifetimeManager } from './lifetime/hub-lifetime-manager.js';
import type { ResolvedOptions } from './options.js';

/** What the HTTP handlers share: settings, the connection registry and the lifetime manager. */
export interface EmulatorContext {
  readonly options: ResolvedOptions;
  readonly lifetime: HubLifetimeManager;
  readonly connections: ConnectionStore;
  readonly policy: ClientInvocationPolicy;
  /** The port actually listened on (known after listen). */
  port(): number;
}
