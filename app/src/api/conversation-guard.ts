import type {
  ConversationList,
  ConversationSummary,
  MessagePreview,
  PersonSummary,
  RoomSummary,
} from '@chat/conversation';

// Conversation payloads cross the network (API answers, SignalR events): the UI checks their
// shape before trusting them, so a malformed one is dropped instead of breaking the list.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isOptional(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || check(value);
}

export function isPersonSummary(value: unknown): value is PersonSummary {
  return isRecord(value) && isNonEmptyString(value.id) && typeof value.name === 'string';
}

function isPreview(value: unknown): value is MessagePreview {
  return (
    isRecord(value) &&
    isNonEmptyString(value.id) &&
    isPersonSummary(value.sender) &&
    typeof value.text === 'string' &&
    isNonEmptyString(value.sentAt)
  );
}

const isVisibility = (value: unknown) => value === 'public' || value === 'private';

export function isConversationSummary(value: unknown): value is ConversationSummary {
  if (!isRecord(value)) return false;
  const { id, kind, name, topic, visibility, unread, readPosition, lastMessage, muted } = value;
  if (!isNonEmptyString(id) || (kind !== 'room' && kind !== 'direct')) return false;
  if (typeof name !== 'string' || typeof unread !== 'number' || !(unread >= 0)) return false;
  if (kind === 'direct' && !isPersonSummary(value.with)) return false;
  return (
    isOptional(topic, (t) => typeof t === 'string') &&
    isOptional(visibility, isVisibility) &&
    isOptional(
      readPosition,
      (p) => isRecord(p) && isNonEmptyString(p.messageId) && isNonEmptyString(p.sentAt),
    ) &&
    isOptional(lastMessage, isPreview) &&
    isOptional(muted, (m) => typeof m === 'boolean') &&
    isOptional(value.unreadMentions, (n) => typeof n === 'number' && n >= 0)
  );
}

/** A GET /api/conversations body, malformed entries dropped; null when the shape is wrong. */
export function toConversationList(value: unknown): ConversationList | null {
  if (!isRecord(value) || !Array.isArray(value.conversations)) return null;
  return { conversations: value.conversations.filter(isConversationSummary) };
}

export function isRoomSummary(value: unknown): value is RoomSummary {
  return (
    isRecord(value) &&
    isNonEmptyString(value.id) &&
    typeof value.name === 'string' &&
    isVisibility(value.visibility) &&
    typeof value.memberCount === 'number' &&
    typeof value.isMember === 'boolean' &&
    isOptional(value.topic, (t) => typeof t === 'string')
  );
}

export function isConversationRemoved(value: unknown): value is { id: string } {
  return isRecord(value) && isNonEmptyString(value.id);
}
