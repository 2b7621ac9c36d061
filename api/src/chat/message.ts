import { randomUUID } from 'node:crypto';
import {
  quoteOf,
  type ChatMessage,
  type Mention,
  type ReplyQuote,
  type SendMessageRequest,
} from '../shared/chat-message.js';

export interface Sender {
  id: string;
  name: string;
}

/** What the API found out about a message beyond its request: who it goes to, what it answers. */
export interface MessageContext {
  /** Direct messages: the other person (the seed's "private" message). */
  recipient?: { id: string; name?: string };
  replyTo?: ReplyQuote;
  mentions?: Mention[];
}

/**
 * The message as the API accepts it: the sender always comes from the caller's identity, the
 * id from the client when it chose one (so a retried send keeps it), else a fresh UUID.
 */
export function buildChatMessage(
  sender: Sender,
  request: Pick<SendMessageRequest, 'id' | 'text'>,
  conversationId: string,
  context: MessageContext = {},
  now: Date = new Date(),
): ChatMessage {
  const message: ChatMessage = {
    id: request.id ?? randomUUID(),
    text: request.text,
    sender: { id: sender.id, name: sender.name },
    conversationId,
    isPrivate: context.recipient !== undefined,
    sentAt: now.toISOString(),
  };
  if (context.recipient !== undefined) message.recipient = context.recipient;
  if (context.replyTo !== undefined) message.replyTo = context.replyTo;
  if (context.mentions !== undefined && context.mentions.length > 0) {
    message.mentions = context.mentions;
  }
  return message;
}

/** The snapshot a reply keeps of the message it answers, as that message is now. */
export function replyQuoteOf(original: ChatMessage): ReplyQuote {
  const sender = { id: original.sender.id, name: original.sender.name };
  return original.deleted
    ? { id: original.id, sender, quote: '', deleted: true }
    : { id: original.id, sender, quote: quoteOf(original.text) };
}

/**
 * The message once its sender deleted it: no text, mentions, reply or reactions left, so none
 * of it is stored anywhere any more. `editedAt` stays; storage sets the version.
 */
export function deletedMessage(message: ChatMessage): ChatMessage {
  const { text: _text, mentions: _m, replyTo: _r, reactions: _x, ...rest } = message;
  return { ...rest, text: '', deleted: true };
}
