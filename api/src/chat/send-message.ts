import {
  NEW_MESSAGE_EVENT,
  validateSendMessageRequest,
  type ChatMessage,
  type ValidationProblem,
} from '../shared/chat-message.js';
import { SignalRError } from '../signalr/rest-client.js';
import { MessageIdConflictError, type ChatStorage } from '../storage/index.js';
import type { RateLimiter } from '../limits/index.js';
import { buildChatMessage, type Sender } from './message.js';
import { audiencesFor } from './routing.js';

/** What the chat needs from the real-time service; the SignalR hub client provides it. */
export interface Publisher {
  sendToAll(target: string, args: unknown[]): Promise<void>;
  sendToUser(userId: string, target: string, args: unknown[]): Promise<void>;
}

/** What sending needs from storage: the directory (recipient names) and the message store. */
export type MessageStore = Pick<ChatStorage, 'saveMessage' | 'getPerson'>;

export interface SendDependencies {
  publisher: Publisher;
  rateLimiter: RateLimiter;
  store: MessageStore;
  /** Told when a stored message could not be pushed live (it stays accepted). */
  onPushFailed?: (error: SignalRError, message: ChatMessage) => void;
  now?: () => Date;
}

export type SendOutcome =
  | {
      kind: 'sent';
      message: ChatMessage;
      /** False when the push failed after the message was stored: catch-up will bring it. */
      delivered: boolean;
      /** A retry of an id already stored: `message` is the stored original. */
      duplicate: boolean;
    }
  | { kind: 'invalid'; problems: ValidationProblem[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'id-conflict'; messageId: string };

/**
 * Validates, rate-limits, builds, stores, then pushes one message: stored before pushed, so a
 * message anyone saw live is always in history. Storage failures propagate (StorageUnavailable
 * -> nothing was pushed). A push failure after storing does not: the message is accepted and
 * reaches people through catch-up.
 *
 * A retried id is pushed again with the stored original: clients merge by id, so a second copy
 * is harmless, and it repairs a first attempt whose push failed.
 */
export async function sendChatMessage(
  deps: SendDependencies,
  sender: Sender,
  body: unknown,
): Promise<SendOutcome> {
  const validation = validateSendMessageRequest(body);
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };

  const decision = await deps.rateLimiter.take(sender.id);
  if (!decision.allowed) {
    return { kind: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };
  }

  const request = validation.value;
  const recipientName =
    request.recipient === undefined
      ? undefined
      : (await deps.store.getPerson(request.recipient))?.name;
  const built = buildChatMessage(sender, request, deps.now?.() ?? new Date(), recipientName);

  let saved: { message: ChatMessage; duplicate: boolean };
  try {
    saved = await deps.store.saveMessage(built);
  } catch (error) {
    if (error instanceof MessageIdConflictError) {
      return { kind: 'id-conflict', messageId: error.messageId };
    }
    throw error;
  }

  const delivered = await push(deps, saved.message);
  return { kind: 'sent', message: saved.message, delivered, duplicate: saved.duplicate };
}

async function push(deps: SendDependencies, message: ChatMessage): Promise<boolean> {
  try {
    await Promise.all(
      audiencesFor(message).map((audience) =>
        audience.kind === 'everyone'
          ? deps.publisher.sendToAll(NEW_MESSAGE_EVENT, [message])
          : deps.publisher.sendToUser(audience.userId, NEW_MESSAGE_EVENT, [message]),
      ),
    );
    return true;
  } catch (error) {
    if (!(error instanceof SignalRError)) throw error;
    deps.onPushFailed?.(error, message);
    return false;
  }
}
