import type { HubMessage } from '../protocol/json-hub-protocol.js';

/**
 * The seam where messages a client sends to the server are decided. In serverless mode without
 * upstream there is nobody to deliver them to, so the connection is closed with the reason.
 * A later upstream implementation replaces this policy instead of touching the connection.
 */
export interface ClientInvocationPolicy {
  /** Returns a reason to close the connection, or undefined when the message was accepted. */
  onInvocation(
    context: { connectionId: string; hub: string; userId?: string },
    message: HubMessage,
  ): string | undefined;
}

export const rejectInServerlessMode: ClientInvocationPolicy = {
  onInvocation(_context, message) {
    const target = typeof message.target === 'string' ? ` '${message.target}'` : '';
    return `Invocation${target} is not supported: the hub runs in serverless mode and no upstream is configured.`;
  },
};
