import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { ChatMessage } from '@chat/message';
import { ApiError } from '../api/api-error.js';
import { fetchMessagePage } from '../api/messages.js';
import type { HistoryControls } from '../components/history-notice.js';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { HistorySync, initialHistory, type EarlierSearch, type HistoryState } from './history.js';
import { newestConfirmed, type TimelineEntry } from './timeline.js';

export interface HistoryApi {
  /** For the message list: state plus load latest / earlier / missed. */
  controls: HistoryControls;
  /** Fetch what was missed; call after every reconnect (calls close together coalesce). */
  catchUp: () => void;
  /** Loads earlier pages until `messageId` is among them (bounded). */
  loadEarlierUntil: (messageId: string) => Promise<EarlierSearch>;
}

function describeLoadError(error: unknown): string {
  if (!(error instanceof ApiError)) return 'Something went wrong.';
  if (error.status === 0) return error.message;
  if (error.status >= 500) return `The server had a problem (${error.status}).`;
  return error.message;
}

/**
 * History for one mounted conversation (its id never changes while mounted): the latest page
 * at once, earlier pages on demand, and a catch-up whenever the connection becomes connected
 * again, or for the first time after the view was mounted (the first page may have been read
 * before the connection existed), and on `catchUp()` (the `reconnected` event).
 */
export function useHistory(options: {
  conversationId: string;
  fetchFn: typeof fetch;
  entries: readonly TimelineEntry[];
  receive: (messages: readonly ChatMessage[]) => void;
  receiveChanged: (messages: readonly ChatMessage[]) => void;
  status: ConnectionStatus;
  onUnauthorized: () => void;
}): HistoryApi {
  const { conversationId, fetchFn, entries, receive, receiveChanged, status, onUnauthorized } =
    options;
  const [state, setState] = useState<HistoryState>(initialHistory);
  const current = { conversationId, entries, receive, receiveChanged, onUnauthorized, fetchFn };
  const latest = useRef(current);
  latest.current = current;

  const [sync] = useState(
    () =>
      new HistorySync({
        fetchPage: (query) =>
          fetchMessagePage(latest.current.conversationId, query, latest.current.fetchFn),
        receive: (messages) => latest.current.receive(messages),
        receiveChanged: (messages) => latest.current.receiveChanged(messages),
        newestConfirmed: () => newestConfirmed(latest.current.entries),
        onChange: setState,
        describeFailure: (error) => {
          if (error instanceof ApiError && error.isUnauthorized) latest.current.onUnauthorized();
          return describeLoadError(error);
        },
      }),
  );

  useEffect(() => {
    void sync.loadLatest();
  }, [sync]);

  const previousStatus = useRef<ConnectionStatus | undefined>(undefined);
  useEffect(() => {
    const previous = previousStatus.current;
    previousStatus.current = status;
    if (previous === status) return;
    // Opened while already connected (a conversation chosen later): live messages flow and the
    // latest page is read after they started, so there is no gap to catch up on.
    if (previous === undefined && status === 'connected') return;
    if (previous === 'connected') sync.connectionLost();
    else if (status === 'connected') void sync.catchUp();
  }, [status, sync]);

  const catchUp = useCallback(() => void sync.catchUp(), [sync]);
  const loadEarlierUntil = useCallback(
    (messageId: string) => sync.loadEarlierUntil(messageId),
    [sync],
  );
  const controls = useMemo<HistoryControls>(
    () => ({
      state,
      onLoadLatest: () => void sync.loadLatest(),
      onLoadEarlier: () => void sync.loadEarlier(),
      onCatchUp: catchUp,
    }),
    [state, sync, catchUp],
  );
  return { controls, catchUp, loadEarlierUntil };
}
