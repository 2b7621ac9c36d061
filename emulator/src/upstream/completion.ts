import {
  MessageType,
  ProtocolError,
  RECORD_SEPARATOR,
  frame,
  parseHubMessage,
} from '../protocol/json-hub-protocol.js';
import type { UpstreamResponse } from './http-poster.js';

/**
 * How the service answers a client invocation that has an invocationId from the upstream's
 * response (facts from the official emulator in Azure/azure-signalr): a 200 with a body is
 * written to the client as it is, because the upstream (the Functions extension) answers with
 * the Completion already serialized in the client's hub protocol; a 200 without a body or a 204
 * is an empty Completion; any other status is an error Completion.
 */

export type CompletionOutcome =
  { kind: 'forward'; text: string } | { kind: 'completion'; text: string; problem?: string };

export function emptyCompletion(invocationId: string): string {
  return frame({ type: MessageType.Completion, invocationId });
}

export function errorCompletion(invocationId: string, error: string): string {
  return frame({ type: MessageType.Completion, invocationId, error });
}

/** True when `text` is one or more complete JSON hub protocol messages. */
function isHubProtocolText(text: string): boolean {
  if (!text.endsWith(RECORD_SEPARATOR)) return false;
  try {
    for (const record of text.slice(0, -1).split(RECORD_SEPARATOR)) parseHubMessage(record);
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}

export function completionFromResponse(
  invocationId: string,
  response: UpstreamResponse,
): CompletionOutcome {
  if (response.status === 204 || (response.status === 200 && response.body.length === 0)) {
    return { kind: 'completion', text: emptyCompletion(invocationId) };
  }
  if (response.status !== 200) {
    return {
      kind: 'completion',
      text: errorCompletion(invocationId, `Invocation failed, status code ${response.status}`),
    };
  }
  const text = response.body.toString('utf8');
  if (isHubProtocolText(text)) return { kind: 'forward', text };
  // The service would pass these bytes on and the client would fail to parse them; the
  // emulator says so instead of breaking the client's connection.
  return {
    kind: 'completion',
    text: errorCompletion(
      invocationId,
      'Invocation failed, the upstream response is not a hub protocol message.',
    ),
    problem:
      'the 200 response body is not a JSON hub protocol message ending with \\x1e (e.g. a Completion {"type":3,"invocationId":...,"result":...}); the service writes that body to the client as it is',
  };
}
