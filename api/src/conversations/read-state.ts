// A person's own state in a conversation: how far they have read, and whether it is muted.
// Both live in their membership row, so every tab and device reads the same, and every change
// is pushed to all their connections at once.
import { CONVERSATION_UPDATED_EVENT, type ConversationSummary } from '../shared/conversation.js';
import type { ChatStorage, ConversationLabel, Membership } from '../storage/index.js';
import { decideAccess, type Conversation } from './access.js';
import { partnerOf } from './conversation-id.js';
import type { ConversationHub } from './delivery.js';
import { invalidField, refuse, type Refusal } from './refusal.js';
import { roomLabel, type Person } from './rooms.js';
import { GENERAL_LABEL, positionOfMessage, summarize, type SummaryOptions } from './summaries.js';

export interface ReadStateDependencies {
  store: ChatStorage;
  hub: Pick<ConversationHub, 'sendToUser'>;
  summaries: SummaryOptions;
}

type Outcome = { ok: true; conversation: ConversationSummary } | Refusal;

/** How the conversation is labelled in the caller's list, should their row not exist yet. */
async function labelOf(
  deps: ReadStateDependencies,
  conversation: Conversation,
  caller: Person,
): Promise<ConversationLabel> {
  if (conversation.kind === 'general') return GENERAL_LABEL;
  if (conversation.kind === 'room') return roomLabel(conversation.room);
  const partnerId = partnerOf(conversation.people, caller.id);
  const name =
    partnerId === caller.id
      ? caller.name
      : ((await deps.store.getPerson(partnerId))?.name ?? partnerId);
  return { kind: 'direct', name, with: { id: partnerId, name } };
}

function field(body: unknown, name: string): unknown {
  return typeof body === 'object' && body !== null && !Array.isArray(body)
    ? (body as Record<string, unknown>)[name]
    : undefined;
}

/** Checks the caller may keep state here, changes it, and tells all their tabs. */
async function change(
  deps: ReadStateDependencies,
  caller: Person,
  conversationId: string,
  apply: (conversation: Conversation, label: ConversationLabel) => Promise<Membership | Refusal>,
): Promise<Outcome> {
  const access = await decideAccess(deps.store, caller.id, conversationId, 'track');
  if (!access.ok) return access;
  const result = await apply(access.conversation, await labelOf(deps, access.conversation, caller));
  if ('ok' in result) return result;
  const summary = await summarize(deps.store, caller.id, result, deps.summaries);
  await deps.hub.sendToUser(caller.id, CONVERSATION_UPDATED_EVENT, [summary]);
  return { ok: true, conversation: summary };
}

/** PUT /api/conversations/{id}/read {upTo}: forward only; an older position changes nothing. */
export async function markRead(
  deps: ReadStateDependencies,
  caller: Person,
  conversationId: string,
  body: unknown,
): Promise<Outcome> {
  const upTo = field(body, 'upTo');
  if (typeof upTo !== 'string') {
    return invalidField(
      'upTo',
      upTo === undefined ? 'required' : 'type',
      '`upTo` (a message id) is required.',
    );
  }
  return change(deps, caller, conversationId, async (conversation, label) => {
    const message = await deps.store.getMessage(upTo.toLowerCase());
    if (!message || message.conversationId !== conversation.id) {
      return refuse(404, 'not_found', '`upTo` is not a message of this conversation.', {
        field: 'upTo',
      });
    }
    return deps.store.memberships.moveReadPosition(
      caller.id,
      conversation.id,
      positionOfMessage(message),
      label,
      deps.summaries.now(),
    );
  });
}

/** PUT /api/conversations/{id}/mute {muted}. */
export async function setMuted(
  deps: ReadStateDependencies,
  caller: Person,
  conversationId: string,
  body: unknown,
): Promise<Outcome> {
  const muted = field(body, 'muted');
  if (typeof muted !== 'boolean') {
    return invalidField(
      'muted',
      muted === undefined ? 'required' : 'type',
      '`muted` must be true or false.',
    );
  }
  return change(deps, caller, conversationId, (conversation, label) =>
    deps.store.memberships.setMuted(caller.id, conversation.id, muted, label, deps.summaries.now()),
  );
}
