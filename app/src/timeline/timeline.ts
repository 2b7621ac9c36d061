import type { ChatMessage } from '@chat/message';

/**
 * The timeline: every message this page knows of, merged by id and kept in order. It is a
 * pure reducer so that every source of messages (live events, history pages and catch-up
 * after a reconnect) goes through the same merge rules. One per conversation.
 */

/** pending: sent by us, not yet seen coming back; sent: seen from the server; failed: the API refused it. */
export type DeliveryState = 'pending' | 'sent' | 'failed';

export interface SendFailure {
  /** A sentence for people, e.g. "Too many messages: try again in 5 s." */
  reason: string;
  /** When the API said a retry may succeed (epoch ms, from a 429's Retry-After). */
  retryAt?: number;
}

export interface TimelineEntry {
  readonly message: ChatMessage;
  readonly delivery: DeliveryState;
  readonly failure?: SendFailure;
}

export interface TimelineState {
  /** Oldest first: by sentAt, then by id so that equal times still have one order. */
  readonly entries: readonly TimelineEntry[];
}

export type TimelineAction =
  /** Messages from the server (live event; later history and catch-up pages). */
  | { type: 'received'; messages: readonly ChatMessage[] }
  /** Our own message handed to the API: a new send or a retry with the same id. */
  | { type: 'sendStarted'; message: ChatMessage }
  /** The API accepted it (202); it stays pending until its own event arrives. */
  | { type: 'sendAccepted'; message: ChatMessage }
  | { type: 'sendFailed'; id: string; failure: SendFailure };

export const emptyTimeline: TimelineState = { entries: [] };

function timeOf(message: ChatMessage): number {
  const time = Date.parse(message.sentAt);
  return Number.isNaN(time) ? 0 : time;
}

export function compareMessages(a: ChatMessage, b: ChatMessage): number {
  const byTime = timeOf(a) - timeOf(b);
  if (byTime !== 0) return byTime;
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

function withEntries(
  state: TimelineState,
  update: (byId: Map<string, TimelineEntry>) => boolean,
): TimelineState {
  const byId = new Map(state.entries.map((entry) => [entry.message.id, entry]));
  if (!update(byId)) return state;
  const entries = [...byId.values()].sort((a, b) => compareMessages(a.message, b.message));
  return { entries };
}

export function timelineReducer(state: TimelineState, action: TimelineAction): TimelineState {
  switch (action.type) {
    case 'received':
      if (action.messages.length === 0) return state;
      return withEntries(state, (byId) => {
        // The server's copy wins over an optimistic one: it has the real time and sender.
        for (const message of action.messages) {
          byId.set(message.id, { message, delivery: 'sent' });
        }
        return true;
      });
    case 'sendStarted':
    case 'sendAccepted':
      return withEntries(state, (byId) => {
        const existing = byId.get(action.message.id);
        // Its own event may overtake the HTTP reply: once sent, it stays sent.
        if (existing?.delivery === 'sent') return false;
        byId.set(action.message.id, { message: action.message, delivery: 'pending' });
        return true;
      });
    case 'sendFailed':
      return withEntries(state, (byId) => {
        const existing = byId.get(action.id);
        if (!existing || existing.delivery === 'sent') return false;
        byId.set(action.id, { ...existing, delivery: 'failed', failure: action.failure });
        return true;
      });
  }
}

/** The optimistic copy shown while the API has not answered yet. */
export function createPendingMessage(options: {
  id: string;
  text: string;
  sender: { id: string; name: string };
  conversationId: string;
  now?: Date;
}): ChatMessage {
  const { id, text, sender, conversationId, now = new Date() } = options;
  // isPrivate is the API's to say (direct conversations); nothing in the app reads it.
  return { id, text, sender, conversationId, isPrivate: false, sentAt: now.toISOString() };
}

/** The newest message whose time the server stamped (optimistic copies carry our clock). */
export function newestConfirmed(entries: readonly TimelineEntry[]): ChatMessage | undefined {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const entry = entries[i];
    if (entry?.delivery === 'sent') return entry.message;
  }
  return undefined;
}
