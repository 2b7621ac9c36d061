import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { OnlinePerson } from '@chat/message';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { emptyPresence, presenceReducer, sortedPeople } from './online-people.js';
import { fetchPresence } from './presence-api.js';

/** A failed list load is tried again after this long while connected. */
export const PRESENCE_RETRY_MS = 5000;

export interface PresenceApi {
  /** Everyone online, ordered by name. */
  people: readonly OnlinePerson[];
  joined: (person: OnlinePerson) => void;
  left: (id: string) => void;
}

/**
 * The online list: loaded from GET /api/presence each time the connection becomes connected
 * (the first connect and every reconnect, since events may have been missed meanwhile) and
 * kept live by the events in between.
 */
export function usePresence({
  fetchFn,
  status,
  retryMs = PRESENCE_RETRY_MS,
}: {
  fetchFn: typeof fetch;
  status: ConnectionStatus;
  retryMs?: number;
}): PresenceApi {
  const [state, dispatch] = useReducer(presenceReducer, emptyPresence);
  const refreshCount = useRef(0);
  const [failures, setFailures] = useState(0);

  useEffect(() => {
    if (status !== 'connected') return;
    refreshCount.current += 1;
    const refreshId = refreshCount.current;
    dispatch({ type: 'refreshStarted', refreshId });
    let mounted = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    fetchPresence(fetchFn).then(
      (people) => {
        if (mounted) dispatch({ type: 'refreshed', refreshId, people });
      },
      (error: unknown) => {
        // Meanwhile the live events keep the list partly right.
        console.warn('Could not load who is online.', error);
        if (!mounted) return;
        dispatch({ type: 'refreshFailed', refreshId });
        retry = setTimeout(() => setFailures((count) => count + 1), retryMs);
      },
    );
    return () => {
      mounted = false;
      clearTimeout(retry);
    };
  }, [status, fetchFn, retryMs, failures]);

  const joined = useCallback((person: OnlinePerson) => dispatch({ type: 'joined', person }), []);
  const left = useCallback((id: string) => dispatch({ type: 'left', id }), []);
  const people = useMemo(() => sortedPeople(state.people.values()), [state.people]);

  return { people, joined, left };
}
