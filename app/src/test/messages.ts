import type { ChatMessage } from '@chat/message';

export const alice = { id: 'alice-id', name: 'alice' };
export const bob = { id: 'bob-id', name: 'bob' };
export const carol = { id: 'carol-id', name: 'carol' };

let counter = 0;

/** A server-side message as the API would push it. */
export function chatMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  counter += 1;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    text: `message ${counter}`,
    sender: bob,
    conversationId: 'general',
    isPrivate: false,
    sentAt: new Date(Date.UTC(2026, 0, 1, 12, 0, counter)).toISOString(),
    ...overrides,
  };
}
