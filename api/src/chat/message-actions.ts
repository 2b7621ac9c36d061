// What edit, delete and reactions share: who may act (conversation access, then the rate limit
// every action takes), and publishing the message as it is now to the people who may read it.
//
// Publishing always pushes, also when the request changed nothing (a retry, the same text
// again, a reaction already there): clients keep the copy with the higher version and equal
// versions are the same state, so a second copy is harmless, and it repairs a first attempt
// whose push was lost, as sending does. A push that fails after the change is stored is not
// the caller's error: the change is kept and reaches everyone through catch-up.
import { decideAccess, type Conversation } from '../conversations/access.js';
import { pushToReaders, type ConversationHub } from '../conversations/delivery.js';
import type { Refusal } from '../conversations/refusal.js';
import type { RateLimiter } from '../limits/index.js';
import {
  MESSAGE_CHANGED_EVENT,
  type ChatMessage,
  type ValidationProblem,
} from '../shared/chat-message.js';
import { SignalRError } from '../signalr/rest-client.js';
import type { ChatStorage } from '../storage/index.js';

/** What acting on messages needs from storage. */
export type ActionStore = Pick<
  ChatStorage,
  | 'rooms'
  | 'memberships'
  | 'getMessage'
  | 'getPeople'
  | 'changeMessage'
  | 'setReaction'
  | 'listReplies'
>;

export interface ActionDependencies {
  hub: Pick<ConversationHub, 'sendToAll' | 'sendToUser' | 'sendToGroup'>;
  rateLimiter: RateLimiter;
  store: ActionStore;
  now: () => Date;
  /** Told when a stored change could not be pushed live (it stays done). */
  onPushFailed?: (error: SignalRError, message: ChatMessage) => void;
}

export interface Actor {
  id: string;
  name: string;
}

export type ActionOutcome =
  | {
      kind: 'done';
      /** The message as it is now. */
      message: ChatMessage;
      /** False when the push failed after the change was stored: catch-up will bring it. */
      delivered: boolean;
    }
  | { kind: 'invalid'; problems: ValidationProblem[] }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'refused'; refusal: Refusal };

export const refused = (refusal: Refusal): ActionOutcome => ({ kind: 'refused', refusal });

/** Conversation access (`post`), then one take of the rate limit. */
export async function admit(
  deps: ActionDependencies,
  actor: Actor,
  conversationId: string,
): Promise<{ ok: true; conversation: Conversation } | { ok: false; outcome: ActionOutcome }> {
  const access = await decideAccess(deps.store, actor.id, conversationId, 'post');
  if (!access.ok) return { ok: false, outcome: refused(access) };
  const decision = await deps.rateLimiter.take(actor.id);
  if (!decision.allowed) {
    return {
      ok: false,
      outcome: { kind: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds },
    };
  }
  return { ok: true, conversation: access.conversation };
}

/** Pushes `messageChanged` with the message as it is now; false when the push failed. */
export async function pushChange(deps: ActionDependencies, message: ChatMessage): Promise<boolean> {
  try {
    await pushToReaders(deps.hub, message.conversationId, MESSAGE_CHANGED_EVENT, [message]);
    return true;
  } catch (error) {
    if (!(error instanceof SignalRError)) throw error;
    deps.onPushFailed?.(error, message);
    return false;
  }
}

export async function published(
  deps: ActionDependencies,
  message: ChatMessage,
): Promise<ActionOutcome> {
  return { kind: 'done', message, delivered: await pushChange(deps, message) };
}
