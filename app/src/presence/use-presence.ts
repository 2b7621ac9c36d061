import { useCallback, useMemo, useReducer } from 'react';
import type { OnlinePerson } from '@chat/message';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { useLoadWhileConnected } from '../connection/use-load-while-connected.js';
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
  const load = useCallback(() => fetchPresence(fetchFn), [fetchFn]);
  useLoadWhileConnected(
    status,
    load,
    {
      started: (refreshId) => dispatch({ type: 'refreshStarted', refreshId }),
      loaded: (refreshId, people) => dispatch({ type: 'refreshed', refreshId, people }),
      failed: (refreshId, error) => {
        // Meanwhile the live events keep the list partly right.
        console.warn('Could not load who is online.', error);
        dispatch({ type: 'refreshFailed', refreshId });
      },
    },
    retryMs,
  );

  const joined = useCallback((person: OnlinePerson) => dispatch({ type: 'joined', person }), []);
  const left = useCallback((id: string) => dispatch({ type: 'left', id }), []);
  const people = useMemo(() => sortedPeople(state.people.values()), [state.people]);

  return { people, joined, left };
}
