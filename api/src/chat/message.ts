import { randomUUID } from 'node:crypto';
import type { ChatMessage, SendMessageRequest } from '../shared/chat-message.js';

export interface Sender {
  id: string;
  name: string;
}

/**
 * The message as the API accepts it: the sender always comes from the caller's identity, the
 * id from the client when it chose one (so a retried send keeps it), else a fresh UUID. A direct
 * message names the other person as its recipient (the seed's "private" message).
 */
export function buildChatMessage(
  sender: Sender,
  request: Pick<SendMessageRequest, 'id' | 'text'>,
  conversationId: string,
  recipient?: { id: string; name?: string },
  now: Date = new Date(),
): ChatMessage {
  const message: ChatMessage = {
    id: request.id ?? randomUUID(),
    text: request.text,
    sender: { id: sender.id, name: sender.name },
    conversationId,
    isPrivate: recipient !== undefined,
    sentAt: now.toISOString(),
  };
  if (recipient !== undefined) message.recipient = recipient;
  return message;
}
