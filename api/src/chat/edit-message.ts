// Editing and deleting one's own message (PATCH and DELETE /api/conversations/{id}/messages/{mid}).
import { findMessageFor, decideMessageAction } from '../conversations/message-access.js';
import { resolveMentions } from '../conversations/mentions.js';
import {
  validateEditMessageRequest,
  type ChatMessage,
  type Mention,
} from '../shared/chat-message.js';
import {
  admit,
  published,
  refused,
  type ActionDependencies,
  type ActionOutcome,
  type Actor,
} from './message-actions.js';
import { deletedMessage } from './message.js';
import { refreshReplyQuotes } from './reply-quotes.js';

const sameMentions = (current: Mention[] | undefined, next: readonly Mention[]): boolean =>
  (current ?? []).map((m) => m.id).join('\n') === next.map((m) => m.id).join('\n');

/**
 * New text (today's rules) and `editedAt`; the mentions are replaced when the request has them,
 * else kept. The same text and mentions again change nothing (no version bump).
 */
export async function editMessage(
  deps: ActionDependencies,
  actor: Actor,
  conversationId: string,
  messageId: string,
  body: unknown,
): Promise<ActionOutcome> {
  const admitted = await admit(deps, actor, conversationId);
  if (!admitted.ok) return admitted.outcome;

  const validation = validateEditMessageRequest(body);
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };
  const { text } = validation.value;
  let mentions: Mention[] | undefined;
  if (validation.value.mentions !== undefined) {
    mentions = await resolveMentions(deps.store, admitted.conversation, validation.value.mentions);
    if (mentions === undefined) {
      return { kind: 'invalid', problems: [{ field: 'mentions', rule: 'not-member' }] };
    }
  }

  const found = await findMessageFor(deps.store, actor.id, conversationId, messageId, 'edit');
  if (!found.ok) return refused(found);

  const editedAt = deps.now().toISOString();
  const result = await deps.store.changeMessage(found.message.id, (current) => {
    if (!decideMessageAction(actor.id, conversationId, current, 'edit').ok) return undefined;
    const keepsMentions = mentions === undefined || sameMentions(current.mentions, mentions);
    if (current.text === text && keepsMentions) return undefined;
    const next: ChatMessage = { ...current, text, editedAt };
    if (mentions !== undefined) {
      if (mentions.length > 0) next.mentions = mentions;
      else delete next.mentions;
    }
    return next;
  });
  // Decided again on the state now: it may have been deleted meanwhile.
  const now = decideMessageAction(actor.id, conversationId, result?.message, 'edit');
  if (!now.ok) return refused(now);
  const outcome = await published(deps, now.message);
  await refreshReplyQuotes(deps, now.message);
  return outcome;
}

/**
 * Deletes one's own message: its text, mentions, reply and reactions are gone, everywhere it was
 * stored. Deleting a deleted message answers it as it is (idempotent).
 */
export async function deleteMessage(
  deps: ActionDependencies,
  actor: Actor,
  conversationId: string,
  messageId: string,
): Promise<ActionOutcome> {
  const admitted = await admit(deps, actor, conversationId);
  if (!admitted.ok) return admitted.outcome;

  const found = await findMessageFor(deps.store, actor.id, conversationId, messageId, 'delete');
  if (!found.ok) return refused(found);

  const result = await deps.store.changeMessage(found.message.id, (current) =>
    current.deleted || !decideMessageAction(actor.id, conversationId, current, 'delete').ok
      ? undefined
      : deletedMessage(current),
  );
  const now = decideMessageAction(actor.id, conversationId, result?.message, 'delete');
  if (!now.ok) return refused(now);
  const outcome = await published(deps, now.message);
  await refreshReplyQuotes(deps, now.message);
  return outcome;
}
