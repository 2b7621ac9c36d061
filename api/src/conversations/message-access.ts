// Beside access.ts (who may act in a conversation), the one place that decides who may act on
// one message of it. The rules:
// - the message must be of the conversation asked through (else it does not exist: 404, so ids
//   of messages in other conversations reveal nothing);
// - only its sender edits or deletes it (403 for anyone else);
// - a deleted message takes no edit or reaction (409); deleting it again is fine (idempotent).
// Callers first ask decideAccess(…, 'post') for the conversation.
import { isMessageId, type ChatMessage } from '../shared/chat-message.js';
import type { ChatStorage } from '../storage/index.js';
import { refuse, type Refusal } from './refusal.js';

export type MessageAction = 'edit' | 'delete' | 'react';

export type MessageDecision = { ok: true; message: ChatMessage } | Refusal;

export const messageNotFound = (): Refusal =>
  refuse(404, 'message_not_found', 'There is no such message in this conversation.', {
    field: 'messageId',
  });

/** Decides on the message as it is now (`undefined`: no message with that id). */
export function decideMessageAction(
  callerId: string,
  conversationId: string,
  message: ChatMessage | undefined,
  action: MessageAction,
): MessageDecision {
  if (!message || message.conversationId !== conversationId) return messageNotFound();
  if (action !== 'react' && message.sender.id !== callerId) {
    return refuse(403, 'not_yours', 'Only the sender can change this message.');
  }
  if (message.deleted && action !== 'delete') {
    return refuse(409, 'message_deleted', 'This message was deleted.');
  }
  return { ok: true, message };
}

/** Reads the message (one point read) and decides; ids that cannot be message ids are a 404. */
export async function findMessageFor(
  store: Pick<ChatStorage, 'getMessage'>,
  callerId: string,
  conversationId: string,
  messageId: string,
  action: MessageAction,
): Promise<MessageDecision> {
  if (!isMessageId(messageId)) return messageNotFound();
  const message = await store.getMessage(messageId.toLowerCase());
  return decideMessageAction(callerId, conversationId, message, action);
}
