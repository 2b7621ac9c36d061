import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import type { OnlinePerson } from '@chat/message';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { emptyPresence, presenceReducer, sortedPeople } from './online-people.js';
import { fetchPresence } from './presence-api.js';

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
}: {
  fetchFn: typeof fetch;
  status: ConnectionStatus;
}): PresenceApi {
  const [state, dispatch] = useReducer(presenceReducer, emptyPresence);
  const refreshCount = useRef(0);

  useEffect(() => {
    if (status !== 'connected') return;
    refreshCount.current += 1;
    const refreshId = refreshCount.current;
    dispatch({ type: 'refreshStarted', refreshId });
    let mounted = true;
    fetchPresence(fetchFn).then(
      (people) => {
        if (mounted) dispatch({ type: 'refreshed', refreshId, people });
      },
      (error: unknown) => {
        // The live events still keep the list mostly right; the next reconnect refreshes it.
        console.warn('Could not load who is online.', error);
        if (mounted) dispatch({ type: 'refreshFailed', refreshId });
      },
    );
    return () => {
      mounted = false;
    };
  }, [status, fetchFn]);

  const joined = useCallback((person: OnlinePerson) => dispatch({ type: 'joined', person }), []);
  const left = useCallback((id: string) => dispatch({ type: 'left', id }), []);
  const people = useMemo(() => sortedPeople(state.people.values()), [state.people]);

  return { people, joined, left };
}
