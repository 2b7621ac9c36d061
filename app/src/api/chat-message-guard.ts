import type { ChatMessage, Mention, MessagePage, Reaction, ReplyQuote } from '@chat/message';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isPerson(value: unknown): value is Mention {
  return isRecord(value) && isNonEmptyString(value.id) && typeof value.name === 'string';
}

function isReplyQuote(value: unknown): value is ReplyQuote {
  return (
    isRecord(value) &&
    isNonEmptyString(value.id) &&
    isPerson(value.sender) &&
    typeof value.quote === 'string' &&
    (value.deleted === undefined || value.deleted === true)
  );
}

function isReaction(value: unknown): value is Reaction {
  return (
    isRecord(value) &&
    isNonEmptyString(value.emoji) &&
    typeof value.count === 'number' &&
    Number.isInteger(value.count) &&
    value.count > 0 &&
    Array.isArray(value.people) &&
    value.people.every(isPerson)
  );
}

/** The parts a message gains once people act on it (issue 10), each optional. */
function hasValidActions(value: Record<string, unknown>): boolean {
  const { version, editedAt, deleted, replyTo, mentions, reactions } = value;
  if (version !== undefined) {
    if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) return false;
  }
  if (
    editedAt !== undefined &&
    !(isNonEmptyString(editedAt) && !Number.isNaN(Date.parse(editedAt)))
  ) {
    return false;
  }
  if (deleted !== undefined && deleted !== true) return false;
  if (replyTo !== undefined && !isReplyQuote(replyTo)) return false;
  if (mentions !== undefined && !(Array.isArray(mentions) && mentions.every(isPerson))) {
    return false;
  }
  return reactions === undefined || (Array.isArray(reactions) && reactions.every(isReaction));
}

/**
 * Checks the shape of a message that crossed the network (a SignalR event, an API reply)
 * before the UI trusts it: a malformed one is dropped instead of breaking rendering.
 */
export function isChatMessage(value: unknown): value is ChatMessage {
  if (!isRecord(value)) return false;
  const { id, text, sender, conversationId, recipient, isPrivate, sentAt } = value;
  if (!isNonEmptyString(id) || typeof text !== 'string' || typeof isPrivate !== 'boolean') {
    return false;
  }
  if (!isNonEmptyString(conversationId)) return false;
  if (!isNonEmptyString(sentAt) || Number.isNaN(Date.parse(sentAt))) return false;
  if (!isRecord(sender) || !isNonEmptyString(sender.id) || typeof sender.name !== 'string') {
    return false;
  }
  if (recipient !== undefined) {
    if (!isRecord(recipient) || !isNonEmptyString(recipient.id)) return false;
    if (recipient.name !== undefined && typeof recipient.name !== 'string') return false;
  }
  return hasValidActions(value);
}

/**
 * A GET /api/messages body as the UI may use it: malformed messages are dropped (one bad entry
 * must not hide the rest); null when the page itself has the wrong shape.
 */
export function toMessagePage(value: unknown): MessagePage | null {
  if (!isRecord(value) || !Array.isArray(value.messages)) return null;
  const { olderCursor, newerCursor, hasNewer } = value;
  if (typeof hasNewer !== 'boolean') return null;
  if (olderCursor !== undefined && !isNonEmptyString(olderCursor)) return null;
  if (newerCursor !== undefined && !isNonEmptyString(newerCursor)) return null;
  const page: MessagePage = { messages: value.messages.filter(isChatMessage), hasNewer };
  if (olderCursor !== undefined) page.olderCursor = olderCursor;
  if (newerCursor !== undefined) page.newerCursor = newerCursor;
  if (Array.isArray(value.changed)) page.changed = value.changed.filter(isChatMessage);
  return page;
}
