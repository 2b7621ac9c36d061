import type { OnlinePerson, PresenceList, TypingNotice, UserLeft } from '@chat/message';

// Presence and typing payloads cross the network (SignalR events, an API reply): the UI
// checks their shape before trusting them, so a malformed one is dropped, not rendered.

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

export function isOnlinePerson(value: unknown): value is OnlinePerson {
  return (
    isRecord(value) &&
    isNonEmptyString(value.id) &&
    typeof value.name === 'string' &&
    typeof value.since === 'string'
  );
}

export function isUserLeft(value: unknown): value is UserLeft {
  return isRecord(value) && isNonEmptyString(value.id);
}

export function isPresenceList(value: unknown): value is PresenceList {
  return isRecord(value) && Array.isArray(value.people) && value.people.every(isOnlinePerson);
}

export function isTypingNotice(value: unknown): value is TypingNotice {
  if (!isRecord(value)) return false;
  const { user, recipient, conversationId } = value;
  if (!isRecord(user) || !isNonEmptyString(user.id) || typeof user.name !== 'string') return false;
  if (!isNonEmptyString(conversationId)) return false;
  return recipient === undefined || isNonEmptyString(recipient);
}
