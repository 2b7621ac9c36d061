import { type HubMessage, MessageType, ProtocolError } from '../protocol/hub-protocol.js';
import { RECORD_SEPARATOR, parseHubMessage } from '../protocol/json-hub-protocol.js';
import { OutgoingMessage } from '../protocol/outgoing.js';
import type { UpstreamResponse } from './http-poster.js';

/**
 * How the service answers a client invocation that has an invocationId from the upstream's
 * response (facts from the official emulator in Azure/azure-signalr): a 200 with a body is
 * written to the client as it is, because the upstream (the Functions extension) answers with
 * the Completion already serialized in the client's hub protocol; a 200 without a body or a 204
 * is an empty Completion; any other status is an error Completion. A JSON client gets the
 * forwarded bytes unchanged; a MessagePack client gets the same messages in MessagePack (the
 * emulator's upstream speaks JSON for every client).
 */

export type CompletionOutcome =
  | { kind: 'forward'; messages: OutgoingMessage[] }
  | { kind: 'completion'; messages: OutgoingMessage[]; problem?: string };

export function emptyCompletion(invocationId: string): OutgoingMessage {
  return new OutgoingMessage({ type: MessageType.Completion, invocationId });
}

export function errorCompletion(invocationId: string, error: string): OutgoingMessage {
  return new OutgoingMessage({ type: MessageType.Completion, invocationId, error });
}

/** The messages of `text` when it is one or more complete JSON hub protocol messages. */
function hubProtocolMessages(text: string): OutgoingMessage[] | undefined {
  if (!text.endsWith(RECORD_SEPARATOR)) return undefined;
  try {
    return text
      .slice(0, -1)
      .split(RECORD_SEPARATOR)
      .map((record) => {
        const message: HubMessage = parseHubMessage(record);
        return new OutgoingMessage(message, record + RECORD_SEPARATOR);
      });
  } catch (error) {
    if (error instanceof ProtocolError) return undefined;
    throw error;
  }
}

export function completionFromResponse(
  invocationId: string,
  response: UpstreamResponse,
): CompletionOutcome {
  if (response.status === 204 || (response.status === 200 && response.body.length === 0)) {
    return { kind: 'completion', messages: [emptyCompletion(invocationId)] };
  }
  if (response.status !== 200) {
    return {
      kind: 'completion',
      messages: [
        errorCompletion(invocationId, `Invocation failed, status code ${response.status}`),
      ],
    };
  }
  const text = response.body.toString('utf8');
  const forwarded = hubProtocolMessages(text);
  if (forwarded) return { kind: 'forward', messages: forwarded };
  // The service would pass these bytes on and the client would fail to parse them; the
  // emulator says so instead of breaking the client's connection.
  return {
    kind: 'completion',
    messages: [
      errorCompletion(
        invocationId,
        'Invocation failed, the upstream response is not a hub protocol message.',
      ),
    ],
    problem:
      'the 200 response body is not a JSON hub protocol message ending with \\x1e (e.g. a Completion {"type":3,"invocationId":...,"result":...}); the service writes that body to the client as it is',
  };
}
