import { type HubMessage, MessageType } from '../protocol/hub-protocol.js';
import type { Upstream } from '../upstream/upstream.js';
import type { ClientInvocationPolicy } from './hub-connection.js';

/** The two policies for invocations a client sends (see ClientInvocationPolicy). */

export const rejectInServerlessMode: ClientInvocationPolicy = {
  onInvocation(connection, message) {
    const target = typeof message.target === 'string' ? ` '${message.target}'` : '';
    connection.close(
      `Invocation${target} is not supported: the hub runs in serverless mode and no upstream is configured.`,
      false,
    );
  },
};

function invalidInvocation(message: HubMessage): string | undefined {
  if (typeof message.target !== 'string' || message.target === '')
    return 'Invocation has no string "target".';
  if (!Array.isArray(message.arguments)) return 'Invocation has no "arguments" array.';
  if (message.invocationId !== undefined && typeof message.invocationId !== 'string')
    return 'Invocation "invocationId" must be a string.';
  return undefined;
}

/**
 * Invocations go to the upstream template matching `messages/<target>`; one no template
 * matches, or a stream invocation (streaming is not implemented), closes the connection as
 * without upstream.
 */
export function forwardToUpstream(upstream: Upstream): ClientInvocationPolicy {
  return {
    onInvocation(connection, message) {
      if (message.type !== MessageType.Invocation) {
        rejectInServerlessMode.onInvocation(connection, message);
        return;
      }
      const invalid = invalidInvocation(message);
      if (invalid !== undefined) {
        connection.close(`Connection closed with an error: ${invalid}`, false);
        return;
      }
      const forwarded = upstream.invoke(connection, {
        target: message.target as string,
        invocationId: message.invocationId as string | undefined,
        // The body is the invocation as the client sent it, without the record separator.
        json: JSON.stringify(message),
      });
      if (!forwarded) {
        connection.close(
          `Invocation '${String(message.target)}' is not supported: no upstream template matches messages/${String(message.target)}.`,
          false,
        );
      }
    },
  };
}
