import {
  NEW_MESSAGE_EVENT,
  validateSendMessageRequest,
  type ChatMessage,
  type SendMessageRequest,
  type ValidationProblem,
} from '../shared/chat-message.js';
import { CONVERSATION_UPDATED_EVENT } from '../shared/conversation.js';
import { decideAccess, type AccessDenied, type Conversation } from '../conversations/access.js';
import { partnerOf } from '../conversations/conversation-id.js';
import { pushToReaders, type ConversationHub } from '../conversations/delivery.js';
import { resolveMentions } from '../conversations/mentions.js';
import { summarize, type SummaryOptions } from '../conversations/summaries.js';
import { SignalRError } from '../signalr/rest-client.js';
import { MessageIdConflictError, type ChatStorage, type Membership } from '../storage/index.js';
import type { RateLimiter } from '../limits/index.js';
import { buildChatMessage, replyQuoteOf, type MessageContext, type Sender } from './message.js';

/** What sending needs from storage. */
export type MessageStore = Pick<
  ChatStorage,
  | 'saveMessage'
  | 'getMessage'
  | 'getPerson'
  | 'getPeople'
  | 'rooms'
  | 'memberships'
  | 'readLastMessage'
  | 'unreadPositions'
>;

export interface SendDependencies {
  hub: ConversationHub;
  rateLimiter: RateLimiter;
  store: MessageStore;
  summaries: SummaryOptions;
  /** Told when a stored message could not be pushed live (it stays accepted). */
  onPushFailed?: (error: SignalRError, message: ChatMessage) => void;
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
  | { kind: 'id-conflict'; messageId: string }
  | { kind: 'denied'; denial: AccessDenied };

/**
 * Validates, rate-limits, checks the sender may post here, checks what it answers and whom it
 * mentions, builds, stores, then pushes one message: stored before pushed, so a message anyone saw live is always in history. Storage
 * failures propagate (StorageUnavailable -> nothing was pushed). A push failure after storing
 * does not: the message is accepted and reaches people through catch-up.
 *
 * A retried id is pushed again with the stored original: clients merge by id, so a second copy
 * is harmless, and it repairs a first attempt whose push failed.
 */
export async function sendChatMessage(
  deps: SendDependencies,
  sender: Sender,
  conversationId: string,
  body: unknown,
): Promise<SendOutcome> {
  const validation = validateSendMessageRequest(withoutRecipient(body));
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };

  const decision = await deps.rateLimiter.take(sender.id);
  if (!decision.allowed) {
    return { kind: 'rate-limited', retryAfterSeconds: decision.retryAfterSeconds };
  }

  const { store } = deps;
  const access = await decideAccess(store, sender.id, conversationId, 'post');
  if (!access.ok) return { kind: 'denied', denial: access };

  const { conversation } = access;
  const now = deps.summaries.now();
  const context = await messageContext(store, sender, conversation, validation.value);
  if ('problem' in context) return { kind: 'invalid', problems: [context.problem] };
  const { recipient } = context;
  const built = buildChatMessage(sender, validation.value, conversation.id, context, now);

  let saved: { message: ChatMessage; duplicate: boolean };
  let newlyListed: Listed[] = [];
  try {
    [saved, newlyListed] = await Promise.all([
      store.saveMessage(built),
      recipient ? listDirectConversation(store, sender, recipient, conversation.id, now) : [],
    ]);
  } catch (error) {
    if (error instanceof MessageIdConflictError) {
      return { kind: 'id-conflict', messageId: error.messageId };
    }
    throw error;
  }

  const delivered = await push(deps, saved.message, newlyListed);
  return { kind: 'sent', message: saved.message, delivered, duplicate: saved.duplicate };
}

/**
 * What the message needs beyond its request: the recipient of a direct message (named from the
 * directory), the quote of the message it answers (which must be of this conversation; a deleted
 * one is quoted as deleted), and the mentioned people (who must be able to read it).
 */
async function messageContext(
  store: MessageStore,
  sender: Sender,
  conversation: Conversation,
  request: SendMessageRequest,
): Promise<MessageContext | { problem: ValidationProblem }> {
  const [recipient, original, mentions] = await Promise.all([
    conversation.kind === 'direct' ? recipientOf(store, sender, conversation.people) : undefined,
    request.replyTo === undefined ? undefined : store.getMessage(request.replyTo),
    resolveMentions(store, conversation, request.mentions ?? []),
  ]);
  if (request.replyTo !== undefined && original?.conversationId !== conversation.id) {
    return { problem: { field: 'replyTo', rule: 'not-found' } };
  }
  if (mentions === undefined) return { problem: { field: 'mentions', rule: 'not-member' } };
  const context: MessageContext = { mentions };
  if (recipient) context.recipient = recipient;
  if (original) context.replyTo = replyQuoteOf(original);
  return context;
}

async function recipientOf(
  store: MessageStore,
  sender: Sender,
  people: readonly [string, string],
): Promise<{ id: string; name?: string }> {
  const partnerId = partnerOf(people, sender.id);
  const name = partnerId === sender.id ? sender.name : (await store.getPerson(partnerId))?.name;
  return name === undefined ? { id: partnerId } : { id: partnerId, name };
}

/** The seed's body may name a recipient; the conversation routes take the id from the path. */
function withoutRecipient(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const { recipient: _ignored, ...rest } = body as Record<string, unknown>;
  return rest;
}

/**
 * Puts the direct conversation in both people's lists (if it is not there yet), so that a first
 * message shows the recipient a new conversation. Returns the rows it wrote, with their people.
 */
async function listDirectConversation(
  store: MessageStore,
  sender: Sender,
  recipient: { id: string; name?: string },
  conversationId: string,
  at: Date,
): Promise<Listed[]> {
  const sides = [
    { person: sender.id, partner: { id: recipient.id, name: recipient.name ?? recipient.id } },
    { person: recipient.id, partner: { id: sender.id, name: sender.name } },
  ].filter((side, index) => index === 0 || side.person !== sender.id);
  const listed = await Promise.all(
    sides.map(async ({ person, partner }) => {
      if (await store.memberships.getMembership(person, conversationId)) return undefined;
      const label = { kind: 'direct' as const, name: partner.name, with: partner };
      await store.memberships.putMembership(person, conversationId, label, { at });
      const membership: Membership = {
        conversationId,
        ...label,
        muted: false,
        joinedAt: at.toISOString(),
      };
      return { person, membership };
    }),
  );
  return listed.filter((entry): entry is Listed => entry !== undefined);
}

/** A direct conversation just put in someone's list. */
interface Listed {
  person: string;
  membership: Membership;
}

async function push(
  deps: SendDependencies,
  message: ChatMessage,
  newlyListed: readonly Listed[],
): Promise<boolean> {
  try {
    await pushToReaders(deps.hub, message.conversationId, NEW_MESSAGE_EVENT, [message]);
  } catch (error) {
    if (!(error instanceof SignalRError)) throw error;
    deps.onPushFailed?.(error, message);
    return false;
  }
  // Best effort: the message is stored and delivered; a missed event only means the new
  // conversation shows in that person's list at their next refresh (every reconnect).
  await Promise.all(
    newlyListed.map(async ({ person, membership }) => {
      const summary = await summarize(deps.store, person, membership, deps.summaries);
      await deps.hub.sendToUser(person, CONVERSATION_UPDATED_EVENT, [summary]);
    }),
  ).catch(() => undefined);
  return true;
}
