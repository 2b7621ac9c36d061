import { useCallback, useReducer, useRef } from 'react';
import type { ChatMessage, Mention } from '@chat/message';
import type { CurrentUser } from '../api/auth.js';
import { ApiError } from '../api/api-error.js';
import { describeActionError, describeSendError } from '../api/describe-error.js';
import { mentionsIn } from '../mentions/mention-query.js';
import { deleteMessage, editMessage, postMessage, setReaction } from '../api/messages.js';
import {
  createPendingMessage,
  hasReacted,
  emptyTimeline,
  timelineReducer,
  type TimelineEntry,
} from './timeline.js';

const randomId = (): string => crypto.randomUUID();

export interface SendOptions {
  /** The message this one answers (held in this timeline). */
  replyTo?: ChatMessage;
  /** The people picked in the composer whose `@name` is in the text. */
  mentions?: readonly Mention[];
}

export interface TimelineApi {
  entries: readonly TimelineEntry[];
  receive: (messages: readonly ChatMessage[]) => void;
  /** Changed messages (events, catch-up): applied to the ones held, by version. */
  receiveChanged: (messages: readonly ChatMessage[]) => void;
  send: (text: string, options?: SendOptions) => void;
  retry: (id: string) => void;
  /**
   * The actions on a sent message. Each resolves once the API answered (its answer is applied)
   * and rejects with an Error whose message is a sentence for people.
   */
  edit: (id: string, text: string) => Promise<void>;
  remove: (id: string) => Promise<void>;
  /** Adds one's own reaction with `emoji`, or takes it back when it is there. */
  toggleReaction: (id: string, emoji: string) => Promise<void>;
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
      const outgoing = {
        id: message.id,
        text: message.text,
        ...(message.replyTo ? { replyTo: message.replyTo.id } : {}),
        ...(message.mentions ? { mentions: message.mentions.map((mention) => mention.id) } : {}),
      };
      postMessage(message.conversationId, outgoing, fetchFn).then(
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
    (text: string, options: SendOptions = {}) => {
      const sender = { id: me.id, name: me.name };
      const mentions = mentionsIn(text, options.mentions);
      deliver(
        createPendingMessage({
          id: newId(),
          text,
          sender,
          conversationId,
          ...(options.replyTo ? { replyTo: options.replyTo } : {}),
          mentions,
        }),
      );
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
  const receiveChanged = useCallback((messages: readonly ChatMessage[]) => {
    dispatch({ type: 'changed', messages });
  }, []);

  /** Runs one action on a held message and applies the API's answer (the message as it is now). */
  const act = useCallback(
    async (
      id: string,
      what: string,
      request: (message: ChatMessage) => Promise<ChatMessage>,
    ): Promise<void> => {
      const entry = entriesRef.current.find((candidate) => candidate.message.id === id);
      if (!entry || entry.delivery !== 'sent')
        throw new Error(`${what}: the message is not sent yet.`);
      let answer: ChatMessage;
      try {
        answer = await request(entry.message);
      } catch (error) {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
        throw new Error(describeActionError(error, what), { cause: error });
      }
      dispatch({ type: 'changed', messages: [answer] });
    },
    [onUnauthorized],
  );

  const edit = useCallback(
    (id: string, text: string) =>
      act(id, 'Not saved', (message) => {
        const kept = message.mentions ? { mentions: mentionsIn(text, message.mentions) } : {};
        const body = {
          text,
          ...(kept.mentions ? { mentions: kept.mentions.map((mention) => mention.id) } : {}),
        };
        return editMessage(message.conversationId, id, body, fetchFn);
      }),
    [act, fetchFn],
  );

  const remove = useCallback(
    (id: string) =>
      act(id, 'Not deleted', (message) => deleteMessage(message.conversationId, id, fetchFn)),
    [act, fetchFn],
  );

  const toggleReaction = useCallback(
    (id: string, emoji: string) =>
      act(id, 'Reaction not saved', (message) =>
        setReaction(message.conversationId, id, emoji, !hasReacted(message, emoji, me.id), fetchFn),
      ),
    [act, fetchFn, me.id],
  );

  return {
    entries: state.entries,
    receive,
    receiveChanged,
    send,
    retry,
    edit,
    remove,
    toggleReaction,
  };
}

/** A refused send (429) says when to try again; until then Retry would only be refused again. */
function retryAtFor(error: unknown): { retryAt?: number } {
  const seconds =
    error instanceof ApiError && error.status === 429 ? error.details.retryAfterSeconds : undefined;
  return seconds === undefined ? {} : { retryAt: Date.now() + seconds * 1000 };
}
