import { randomUUID } from 'node:crypto';
import type { ChatMessage, SendMessageRequest } from '../shared/chat-message.js';

export interface Sender {
  id: string;
  name: string;
}

/**
 * The message as the API accepts it: the sender always comes from the caller's identity, the
 * id from the client when it chose one (so a retried send keeps it), else a fresh UUID.
 */
export function buildChatMessage(
  sender: Sender,
  request: SendMessageRequest,
  now: Date = new Date(),
  /** From the directory of people; absent when the recipient never signed in. */
  recipientName?: string,
): ChatMessage {
  const message: ChatMessage = {
    id: request.id ?? randomUUID(),
    text: request.text,
    sender: { id: sender.id, name: sender.name },
    isPrivate: request.recipient !== undefined,
    sentAt: now.toISOString(),
  };
  if (request.recipient !== undefined) {
    message.recipient =
      recipientName === undefined
        ? { id: request.recipient }
        : { id: request.recipient, name: recipientName };
  }
  return message;
}
