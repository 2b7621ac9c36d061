import type { EmulatorContext } from '../context.js';
import type { HubConnectionEvents } from './hub-connection.js';

/**
 * What happens when a connection opens (handshake done) or ends, including the upstream
 * `connected`/`disconnected` events when upstream is configured.
 */
export function connectionLifecycle(context: EmulatorContext): HubConnectionEvents {
  const { lifetime, connections, options, upstream } = context;
  return {
    onConnected(connection) {
      lifetime.add(connection);
      options.log(
        `connected ${connection.id} hub=${connection.hub} user=${connection.userId ?? '-'} transport=${connection.transportKind ?? '-'}`,
      );
      upstream?.connected(connection);
    },
    onClosed(connection, reason) {
      lifetime.remove(connection);
      connections.release(connection);
      options.log(`closed ${connection.id}${reason ? `: ${reason}` : ''}`);
      // Only connections that completed the handshake are reported, whatever ended them.
      upstream?.disconnected(connection, reason);
    },
  };
}
