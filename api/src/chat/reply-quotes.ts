// Replies keep a snapshot of what they answer (its sender and the start of its text), so a page
// of history never needs the originals. When an original is edited or deleted, each reply's
// snapshot is refreshed: a change of that reply like any other (version, change feed, push).
import { forEachLimited } from '../for-each-limited.js';
import type { ChatMessage, ReplyQuote } from '../shared/chat-message.js';
import { pushChange, type ActionDependencies } from './message-actions.js';
import { replyQuoteOf } from './message.js';

/** Replies refreshed at once: a message with many replies must not open many sockets. */
const PARALLEL_CHANGES = 4;

const sameQuote = (a: ReplyQuote | undefined, b: ReplyQuote): boolean =>
  a !== undefined &&
  a.quote === b.quote &&
  a.deleted === b.deleted &&
  a.sender.id === b.sender.id &&
  a.sender.name === b.sender.name;

/**
 * Brings every reply to `original` (as it is now) up to date and pushes each one that changed.
 * Runs after every edit and delete, retries included: a retry after a crash half way through
 * finishes the job, and replies already up to date are not changed again. Storage failures
 * propagate (the caller answers 503 and a retry completes the refresh).
 */
export async function refreshReplyQuotes(
  deps: ActionDependencies,
  original: ChatMessage,
): Promise<void> {
  const replyIds = await deps.store.listReplies(original.conversationId, original.id);
  const quote = replyQuoteOf(original);
  await forEachLimited(replyIds, PARALLEL_CHANGES, async (replyId) => {
    const result = await deps.store.changeMessage(replyId, (reply) =>
      // A deleted reply has no quote left to refresh.
      reply.replyTo?.id !== original.id || sameQuote(reply.replyTo, quote)
        ? undefined
        : { ...reply, replyTo: quote },
    );
    if (result?.changed) await pushChange(deps, result.message);
  });
}
