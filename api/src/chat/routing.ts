import type { ChatMessage } from '../shared/chat-message.js';

/** Who receives a message: every connection of the hub, or every connection of one user. */
export type Audience = { kind: 'everyone' } | { kind: 'user'; userId: string };

/**
 * Public messages go to the whole hub. Private ones go to the recipient and to the sender
 * (so every tab of the sender shows it), and to nobody else; a note to oneself is sent once.
 */
export function audiencesFor(message: ChatMessage): Audience[] {
  if (!message.isPrivate || !message.recipient) return [{ kind: 'everyone' }];
  const users = new Set([message.recipient.id, message.sender.id]);
  return [...users].map((userId) => ({ kind: 'user', userId }));
}
