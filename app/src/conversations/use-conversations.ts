import { useCallback, useReducer } from 'react';
import type { ConversationSummary } from '@chat/conversation';
import type { ChatMessage } from '@chat/message';
import { ApiError } from '../api/api-error.js';
import { fetchConversations } from '../api/conversations.js';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { useLoadWhileConnected } from '../connection/use-load-while-connected.js';
import { conversationListReducer, emptyConversationList } from './conversation-list.js';

/** A failed list load is tried again after this long while connected. */
export const CONVERSATIONS_RETRY_MS = 5000;

export interface ConversationsApi {
  byId: ReadonlyMap<string, ConversationSummary>;
  /** The first list answer arrived. */
  loaded: boolean;
  updated: (summary: ConversationSummary) => void;
  /** A conversation this tab created or joined; the API's own event may have come first. */
  added: (summary: ConversationSummary) => void;
  removed: (id: string) => void;
  /**
   * A live message: moves its conversation's last message (and unread count, if `unread`; and
   * its unread mentions, if it also mentions me).
   */
  messageArrived: (message: ChatMessage, unread: boolean, mentionsMe?: boolean) => void;
  /** A `messageChanged` event: the preview follows an edit or delete of the last message. */
  messageChanged: (message: ChatMessage) => void;
  /** Load the list again (a message came for a conversation it does not have yet). */
  refresh: () => void;
}

/**
 * The conversation list: GET /api/conversations each time the connection becomes connected
 * (first connect and every reconnect: events may have been lost meanwhile, and so every
 * conversation's unread count is right again, not only the open one's), live events between.
 */
export function useConversations({
  fetchFn,
  status,
  onUnauthorized,
  retryMs = CONVERSATIONS_RETRY_MS,
}: {
  fetchFn: typeof fetch;
  status: ConnectionStatus;
  onUnauthorized: () => void;
  retryMs?: number;
}): ConversationsApi {
  const [state, dispatch] = useReducer(conversationListReducer, emptyConversationList);
  const load = useCallback(() => fetchConversations(fetchFn), [fetchFn]);
  const refresh = useLoadWhileConnected(
    status,
    load,
    {
      started: (refreshId) => dispatch({ type: 'refreshStarted', refreshId }),
      loaded: (refreshId, conversations) =>
        dispatch({ type: 'refreshed', refreshId, conversations }),
      failed: (refreshId, error) => {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
        console.warn('Could not load the conversations.', error);
        dispatch({ type: 'refreshFailed', refreshId });
      },
    },
    retryMs,
  );

  const updated = useCallback(
    (summary: ConversationSummary) => dispatch({ type: 'updated', summary }),
    [],
  );
  const added = useCallback(
    (summary: ConversationSummary) => dispatch({ type: 'added', summary }),
    [],
  );
  const removed = useCallback((id: string) => dispatch({ type: 'removed', id }), []);
  const messageArrived = useCallback(
    (message: ChatMessage, unread: boolean, mentionsMe = false) =>
      dispatch({ type: 'messageArrived', message, unread, mentionsMe }),
    [],
  );
  const messageChanged = useCallback(
    (message: ChatMessage) => dispatch({ type: 'messageChanged', message }),
    [],
  );

  return {
    byId: state.byId,
    loaded: state.loaded,
    updated,
    added,
    removed,
    messageArrived,
    messageChanged,
    refresh,
  };
}
