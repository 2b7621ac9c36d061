// Direct conversations: one per pair of people (and one with oneself, for notes), the same id
// for both, made on first use.
import { isPlausibleUserId } from '../shared/chat-message.js';
import { CONVERSATION_UPDATED_EVENT, type ConversationSummary } from '../shared/conversation.js';
import type { ChatStorage } from '../storage/index.js';
import { directConversationId } from './conversation-id.js';
import type { ConversationHub } from './delivery.js';
import { invalidField, unknownPerson, type Refusal } from './refusal.js';
import type { Person } from './rooms.js';
import { summarize, type SummaryOptions } from './summaries.js';

export interface DirectDependencies {
  store: Pick<ChatStorage, 'getPerson' | 'memberships' | 'readLastMessage' | 'unreadPositions'>;
  hub: Pick<ConversationHub, 'sendToUser'>;
  summaries: SummaryOptions;
}

/**
 * POST /api/direct/{userId}: the caller's direct conversation with that person, listed for the
 * caller (the partner sees it once a message arrives). The partner must have signed in once.
 */
export async function openDirectConversation(
  deps: DirectDependencies,
  caller: Person,
  partnerId: string,
): Promise<{ ok: true; conversation: ConversationSummary } | Refusal> {
  if (!isPlausibleUserId(partnerId)) {
    return invalidField('userId', 'format', '`userId` must be a user id.');
  }
  let partner: Person = caller;
  if (partnerId !== caller.id) {
    const found = await deps.store.getPerson(partnerId);
    if (!found) return unknownPerson();
    partner = { id: found.id, name: found.name };
  }
  const id = directConversationId(caller.id, partner.id);
  const { memberships } = deps.store;
  let membership = await memberships.getMembership(caller.id, id);
  if (!membership) {
    const label = { kind: 'direct' as const, name: partner.name, with: partner };
    const at = deps.summaries.now();
    await memberships.putMembership(caller.id, id, label, { at });
    membership = { conversationId: id, ...label, muted: false, joinedAt: at.toISOString() };
  }
  const conversation = await summarize(deps.store, caller.id, membership, deps.summaries);
  await deps.hub.sendToUser(caller.id, CONVERSATION_UPDATED_EVENT, [conversation]);
  return { ok: true, conversation };
}
