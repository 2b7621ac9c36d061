// Test data for the storage tests: messages built as the API builds them.
import { randomUUID } from 'node:crypto';
import { directConversationId } from '../../src/conversations/conversation-id.js';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import type { ChatStorage } from '../../src/storage/index.js';

export const ALICE = { id: 'alice-id', name: 'alice' };
export const BOB = { id: 'bob-id', name: 'bob' };
export const CAROL = { id: 'carol-id', name: 'carol' };

export function publicMessage(
  sender: { id: string; name: string },
  sentAt: Date,
  text = 'hello',
): ChatMessage {
  return {
    id: randomUUID(),
    text,
    sender,
    conversationId: 'general',
    isPrivate: false,
    sentAt: sentAt.toISOString(),
  };
}

/** A message of a room (or of #general, as publicMessage makes). */
export function roomMessage(
  roomId: string,
  sender: { id: string; name: string },
  sentAt: Date,
  text = 'hello room',
): ChatMessage {
  return { ...publicMessage(sender, sentAt, text), conversationId: roomId };
}

export function privateMessage(
  sender: { id: string; name: string },
  recipient: { id: string; name: string },
  sentAt: Date,
  text = 'psst',
): ChatMessage {
  return {
    ...publicMessage(sender, sentAt, text),
    conversationId: directConversationId(sender.id, recipient.id),
    isPrivate: true,
    recipient,
  };
}

/** Timeline order: by time, then by id (what the storage promises). */
export function timelineOrder(a: ChatMessage, b: ChatMessage): number {
  const byTime = Date.parse(a.sentAt) - Date.parse(b.sentAt);
  if (byTime !== 0) return byTime;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Saves through the real saveMessage, `concurrency` at a time. */
export async function saveAll(
  storage: ChatStorage,
  messages: readonly ChatMessage[],
  concurrency = 20,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < messages.length) {
      const message = messages[next++] as ChatMessage;
      await storage.saveMessage(message);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}
