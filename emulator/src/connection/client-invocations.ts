import type { HubMessage } from '../protocol/json-hub-protocol.js';
import type { HubConnection } from './hub-connection.js';

/**
 * The seam where invocations a client sends to the server are decided. In serverless mode
 * without upstream there is nobody to deliver them to, so the connection is closed with the
 * reason. An upstream implementation replaces this policy: it may forward the message, answer
 * with `connection.send(<completion>)` later, or close the connection; it must never block.
 */
export interface ClientInvocationPolicy {
  onInvocation(connection: HubConnection, message: HubMessage): void;
}

export const rejectInServerlessMode: ClientInvocationPolicy = {
  onInvocation(connection, message) {
    const target = typeof message.target === 'string' ? ` '${message.target}'` : '';
    connection.close(
      `Invocation${target} is not supported: the hub runs in serverless mode and no upstream is configured.`,
      false,
    );
  },
};
