import type { EmulatorContext } from '../context.js';
import type { HubConnectionEvents } from './hub-connection.js';

/**
 * What happens when a connection opens (handshake done) or ends. This is also where upstream
 * `connected`/`disconnected` events will be raised once upstream exists.
 */
export function connectionLifecycle(context: EmulatorContext): HubConnectionEvents {
  const { lifetime, connections, options } = context;
  return {
    onConnected(connection) {
      lifetime.add(connection);
      options.log(
        `connected ${connection.id} hub=${connection.hub} user=${connection.userId ?? '-'} transport=${connection.transportKind ?? '-'}`,
      );
    },
    onClosed(connection, reason) {
      lifetime.remove(connection);
      connections.release(connection);
      options.log(`closed ${connection.id}${reason ? `: ${reason}` : ''}`);
    },
  };
}
