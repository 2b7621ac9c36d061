import type { TypingNotice } from '@chat/message';

/** A notice stays this long after the person's last `typing` event (they send one per 3 s). */
export const TYPING_NOTICE_MS = 5000;

/**
 * After a person's message arrives, their typing notices are ignored this long: one sent just
 * before the message (another path through the service and the API) may arrive after it, and
 * would bring back "is typing…" for what is already there.
 */
export const TYPING_AFTER_MESSAGE_MS = 1000;

export interface Typist {
  id: string;
  name: string;
}

/**
 * Who a notice is about, or null when it is not for me to show: about myself (another of my
 * tabs). Which conversation it belongs to is the caller's business (notices are routed by
 * `conversationId`).
 */
export function typistFromNotice(notice: TypingNotice, meId: string): Typist | null {
  if (notice.user.id === meId) return null;
  return { id: notice.user.id, name: notice.user.name };
}

/** "bob is typing…", "bob and carol are typing…", "3 people are typing…", or '' for nobody. */
export function describeTypists(typists: readonly Typist[]): string {
  const [first, second] = typists;
  if (!first) return '';
  if (!second) return `${first.name} is typing…`;
  if (typists.length === 2) return `${first.name} and ${second.name} are typing…`;
  return `${typists.length} people are typing…`;
}
