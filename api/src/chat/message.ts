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
): ChatMessage {
  const message: ChatMessage = {
    id: request.id ?? randomUUID(),
    text: request.text,
    sender: { id: sender.id, name: sender.name },
    isPrivate: request.recipient !== undefined,
    sentAt: now.toISOString(),
  };
  // The recipient's name needs a directory of people (a later storage feature); the id is enough to route.
  if (request.recipient !== undefined) message.recipient = { id: request.recipient };
  return message;
}
