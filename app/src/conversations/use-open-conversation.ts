import { useEffect, useRef, useState } from 'react';
import type { ConversationSummary } from '@chat/conversation';
import { ApiError } from '../api/api-error.js';
import { openDirect } from '../api/conversations.js';
import type { Route } from './route.js';

/** Conversations kept mounted (hidden) after being left for another, so going back is instant. */
export const MAX_KEPT_CONVERSATIONS = 8;

export type OpenConversation =
  | { state: 'open'; conversationId: string }
  /** A `/dm/<user id>` whose conversation id the API has not given yet. */
  | { state: 'resolving'; userId: string }
  | { state: 'failed'; userId: string; reason: string };

function findDirect(
  byId: ReadonlyMap<string, ConversationSummary>,
  userId: string,
): ConversationSummary | undefined {
  for (const summary of byId.values()) {
    if (summary.kind === 'direct' && summary.with?.id === userId) return summary;
  }
  return undefined;
}

/**
 * Which conversation the route opens. A room's id is in the address; a direct conversation's
 * is the API's (POST /api/direct/{userId}, asked once per person until it answers), so
 * `/dm/<user id>` links stay valid whatever the API names them.
 */
export function useOpenConversation(options: {
  route: Route;
  byId: ReadonlyMap<string, ConversationSummary>;
  fetchFn: typeof fetch;
  onResolved: (summary: ConversationSummary) => void;
  onUnauthorized: () => void;
}): OpenConversation {
  const { route, byId, fetchFn } = options;
  const [failures, setFailures] = useState<ReadonlyMap<string, string>>(new Map());
  const asked = useRef(new Set<string>());
  const callbacks = useRef(options);
  callbacks.current = options;

  const userId = route.kind === 'direct' ? route.userId : undefined;
  const direct = userId === undefined ? undefined : findDirect(byId, userId);

  useEffect(() => {
    if (userId === undefined || direct || asked.current.has(userId)) return;
    asked.current.add(userId);
    openDirect(userId, fetchFn).then(
      (summary) => callbacks.current.onResolved(summary),
      (error: unknown) => {
        asked.current.delete(userId);
        if (error instanceof ApiError && error.isUnauthorized) callbacks.current.onUnauthorized();
        const reason =
          error instanceof ApiError && error.status === 404
            ? 'There is nobody with that id who has ever signed in.'
            : error instanceof ApiError
              ? error.message
              : 'Something went wrong.';
        setFailures((current) => new Map(current).set(userId, reason));
      },
    );
  }, [userId, direct, fetchFn]);

  if (route.kind === 'room') return { state: 'open', conversationId: route.roomId };
  if (direct) return { state: 'open', conversationId: direct.id };
  const reason = failures.get(route.userId);
  return reason === undefined
    ? { state: 'resolving', userId: route.userId }
    : { state: 'failed', userId: route.userId, reason };
}

/**
 * The conversations to keep mounted: the open one and the most recently open before it, in
 * the order they were first opened (moving a mounted timeline in the DOM would lose its scroll
 * position), at most `max`. One no longer `known` (left) is dropped.
 */
export function useKeptConversations(
  activeId: string | undefined,
  known: (id: string) => boolean,
  max = MAX_KEPT_CONVERSATIONS,
): readonly string[] {
  const [kept, setKept] = useState<readonly string[]>([]);
  const lastUsed = useRef(new Map<string, number>());
  const clock = useRef(0);

  useEffect(() => {
    if (activeId === undefined) return;
    clock.current += 1;
    lastUsed.current.set(activeId, clock.current);
    setKept((current) => {
      let next = current.includes(activeId) ? current : [...current, activeId];
      while (next.length > max) {
        const oldest = next.reduce((a, b) =>
          (lastUsed.current.get(a) ?? 0) <= (lastUsed.current.get(b) ?? 0) ? a : b,
        );
        next = next.filter((id) => id !== oldest);
        lastUsed.current.delete(oldest);
      }
      return next;
    });
  }, [activeId, max]);

  const visible = kept.filter((id) => id === activeId || known(id));
  return activeId !== undefined && !visible.includes(activeId) ? [...visible, activeId] : visible;
}
