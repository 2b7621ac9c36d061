import { useCallback, useReducer, useRef } from 'react';
import type { ChatMessage } from '@chat/message';
import type { CurrentUser } from '../api/auth.js';
import { ApiError } from '../api/api-error.js';
import { describeSendError } from '../api/describe-error.js';
import { postMessage } from '../api/messages.js';
import {
  createPendingMessage,
  emptyTimeline,
  timelineReducer,
  type TimelineEntry,
} from './timeline.js';

const randomId = (): string => crypto.randomUUID();

export interface TimelineApi {
  entries: readonly TimelineEntry[];
  receive: (messages: readonly ChatMessage[]) => void;
  send: (text: string) => void;
  retry: (id: string) => void;
}

/** One conversation's timeline plus the send/retry flow that feeds it optimistic messages. */
export function useTimeline(options: {
  conversationId: string;
  me: CurrentUser;
  fetchFn: typeof fetch;
  onUnauthorized: () => void;
  newId?: () => string;
}): TimelineApi {
  const { conversationId, me, fetchFn, onUnauthorized, newId = randomId } = options;
  const [state, dispatch] = useReducer(timelineReducer, emptyTimeline);
  const entriesRef = useRef(state.entries);
  entriesRef.current = state.entries;

  const deliver = useCallback(
    (message: ChatMessage) => {
      dispatch({ type: 'sendStarted', message });
      postMessage(message.conversationId, { id: message.id, text: message.text }, fetchFn).then(
        (accepted) => {
          if (!accepted) return;
          const { delivered, ...stored } = accepted;
          // Stored but not pushed live: its own event will not come, yet it is sent (others
          // get it through catch-up), so it shows as sent now.
          if (delivered === false) dispatch({ type: 'received', messages: [stored] });
          else dispatch({ type: 'sendAccepted', message: stored });
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
          dispatch({
            type: 'sendFailed',
            id: message.id,
            failure: {
              reason: describeSendError(error),
              ...retryAtFor(error),
            },
          });
        },
      );
    },
    [fetchFn, onUnauthorized],
  );

  const send = useCallback(
    (text: string) => {
      const sender = { id: me.id, name: me.name };
      deliver(createPendingMessage({ id: newId(), text, sender, conversationId }));
    },
    [deliver, me.id, me.name, newId, conversationId],
  );

  const retry = useCallback(
    (id: string) => {
      const entry = entriesRef.current.find((candidate) => candidate.message.id === id);
      if (!entry || entry.delivery !== 'failed') return;
      // Same id, so the API recognises a repeat; now as its time, so it moves to the end.
      deliver({ ...entry.message, sentAt: new Date().toISOString() });
    },
    [deliver],
  );

  const receive = useCallback((messages: readonly ChatMessage[]) => {
    dispatch({ type: 'received', messages });
  }, []);

  return { entries: state.entries, receive, send, retry };
}

/** A refused send (429) says when to try again; until then Retry would only be refused again. */
function retryAtFor(error: unknown): { retryAt?: number } {
  const seconds =
    error instanceof ApiError && error.status === 429 ? error.details.retryAfterSeconds : undefined;
  return seconds === undefined ? {} : { retryAt: Date.now() + seconds * 1000 };
}
