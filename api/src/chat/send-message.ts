import {
  NEW_MESSAGE_EVENT,
  validateSendMessageRequest,
  type ChatMessage,
  type ValidationProblem,
} from '../shared/chat-message.js';
import { buildChatMessage, type Sender } from './message.js';
import type { SlidingWindowRateLimiter } from './rate-limiter.js';
import { audiencesFor } from './routing.js';

/** What the chat needs from the real-time service; the SignalR hub client provides it. */
export interface Publisher {
  sendToAll(target: string, args: unknown[]): Promise<void>;
  sendToUser(userId: string, target: string, args: unknown[]): Promise<void>;
}

export interface SendDependencies {
  publisher: Publisher;
  rateLimiter: SlidingWindowRateLimiter;
  now?: () => Date;
}

export type SendOutcome =
  | { kind: 'sent'; message: ChatMessage }
  | { kind: 'invalid'; problems: ValidationProblem[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number };

/**
 * Validates, rate-limits, builds and pushes one message. Publisher failures propagate: the
 * caller answers them as "not sent" so the client can retry with the same id.
 */
export async function sendChatMessage(
  deps: SendDependencies,
  sender: Sender,
  body: unknown,
): Promise<SendOutcome> {
  const validation = validateSendMessageRequest(body);
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };

  const decision = deps.rateLimiter.take(sender.id);
  if (!decision.allowed) {
    return { kind: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };
  }

  const message = buildChatMessage(sender, validation.value, deps.now?.() ?? new Date());
  await Promise.all(
    audiencesFor(message).map((audience) =>
      audience.kind === 'everyone'
        ? deps.publisher.sendToAll(NEW_MESSAGE_EVENT, [message])
        : deps.publisher.sendToUser(audience.userId, NEW_MESSAGE_EVENT, [message]),
    ),
  );
  return { kind: 'sent', message };
}
