// Adding and removing one's own reaction (PUT and DELETE
// /api/conversations/{id}/messages/{mid}/reactions/{emoji}). Storage keeps one row per person
// and emoji and recounts, so concurrent reactions are all counted and a repeat counts once.
import { invalidField } from '../conversations/refusal.js';
import { findMessageFor, decideMessageAction } from '../conversations/message-access.js';
import { isSingleEmoji, MAX_REACTION_KINDS } from '../shared/chat-message.js';
import {
  admit,
  published,
  refused,
  type ActionDependencies,
  type ActionOutcome,
  type Actor,
} from './message-actions.js';

export async function setOwnReaction(
  deps: ActionDependencies,
  actor: Actor,
  conversationId: string,
  messageId: string,
  emoji: string,
  present: boolean,
): Promise<ActionOutcome> {
  const admitted = await admit(deps, actor, conversationId);
  if (!admitted.ok) return admitted.outcome;

  if (!isSingleEmoji(emoji)) {
    return refused(invalidField('emoji', 'format', '`emoji` must be exactly one emoji.'));
  }

  const found = await findMessageFor(deps.store, actor.id, conversationId, messageId, 'react');
  if (!found.ok) return refused(found);
  const kinds = found.message.reactions ?? [];
  if (present && kinds.length >= MAX_REACTION_KINDS && !kinds.some((r) => r.emoji === emoji)) {
    return refused(
      invalidField(
        'emoji',
        'too-many',
        `A message takes at most ${MAX_REACTION_KINDS} different emoji.`,
      ),
    );
  }

  const result = await deps.store.setReaction(
    found.message.id,
    emoji,
    { id: actor.id, name: actor.name },
    present,
  );
  const now = decideMessageAction(actor.id, conversationId, result?.message, 'react');
  if (!now.ok) return refused(now);
  return published(deps, now.message);
}
