import { MAX_QUOTE_LENGTH, type ChatMessage, type Mention, type ReplyQuote } from '@chat/message';

/**
 * The timeline: every message this page knows of, merged by id and kept in order. It is a
 * pure reducer so that every source of messages (live events, history pages and catch-up
 * after a reconnect) goes through the same merge rules. One per conversation.
 *
 * Messages change after they were sent (edits, deletes, reactions, refreshed quotes), and the
 * copies arrive by several paths in any order: `newMessage` and `messageChanged` events, the
 * answers of our own actions, history pages and catch-up's `changed`. One copy is kept per id
 * and it is replaced only by a copy with a higher `version` (absent = 0): equal versions are
 * the same state, so late or repeated copies never undo a newer one.
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
  /**
   * Changes of messages not held (yet): a change event can overtake the page that brings the
   * message, and must still win when that page's older copy arrives. Bounded.
   */
  readonly parked: ReadonlyMap<string, ChatMessage>;
}

/** How many changes of messages not held are remembered (the oldest are forgotten first). */
export const MAX_PARKED_CHANGES = 200;

export type TimelineAction =
  /** Messages from the server (live event; later history and catch-up pages). */
  | { type: 'received'; messages: readonly ChatMessage[] }
  /**
   * Changed messages (`messageChanged`, an action's answer, catch-up's `changed`): applied to
   * the messages held; the others are not added (they may be far older than what is loaded).
   */
  | { type: 'changed'; messages: readonly ChatMessage[] }
  /** Our own message handed to the API: a new send or a retry with the same id. */
  | { type: 'sendStarted'; message: ChatMessage }
  /** The API accepted it (202); it stays pending until its own event arrives. */
  | { type: 'sendAccepted'; message: ChatMessage }
  | { type: 'sendFailed'; id: string; failure: SendFailure };

export const emptyTimeline: TimelineState = { entries: [], parked: new Map() };

/** How many times a message changed: the higher, the newer its state. */
export function versionOf(message: ChatMessage): number {
  return message.version ?? 0;
}

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
  return { entries, parked: state.parked };
}

/** Whether `incoming` should replace what is held: the server's copy over an optimistic one. */
function isNewer(incoming: ChatMessage, held: TimelineEntry | undefined): boolean {
  if (!held || held.delivery !== 'sent') return true;
  return versionOf(incoming) > versionOf(held.message);
}

function received(state: TimelineState, messages: readonly ChatMessage[]): TimelineState {
  // A copy of the parked changes, taken once the first of them is claimed by its message.
  let parked: Map<string, ChatMessage> | undefined;
  const next = withEntries(state, (byId) => {
    let any = false;
    for (const arrived of messages) {
      const early = (parked ?? state.parked).get(arrived.id);
      if (early) {
        parked ??= new Map(state.parked);
        parked.delete(arrived.id);
      }
      const message = early && versionOf(early) > versionOf(arrived) ? early : arrived;
      if (!isNewer(message, byId.get(message.id))) continue;
      byId.set(message.id, { message, delivery: 'sent' });
      any = true;
    }
    return any;
  });
  return parked ? { entries: next.entries, parked } : next;
}

function changed(state: TimelineState, messages: readonly ChatMessage[]): TimelineState {
  let parked = state.parked;
  const next = withEntries(state, (byId) => {
    let any = false;
    for (const message of messages) {
      const held = byId.get(message.id);
      if (held) {
        if (!isNewer(message, held)) continue;
        byId.set(message.id, { message, delivery: 'sent' });
        any = true;
        continue;
      }
      const early = parked.get(message.id);
      if (early && versionOf(early) >= versionOf(message)) continue;
      const copy = new Map(parked);
      copy.delete(message.id);
      copy.set(message.id, message);
      // A Map iterates in insertion order: the first key is the oldest change.
      for (const id of copy.keys()) {
        if (copy.size <= MAX_PARKED_CHANGES) break;
        copy.delete(id);
      }
      parked = copy;
    }
    return any;
  });
  return parked === state.parked ? next : { entries: next.entries, parked };
}

export function timelineReducer(state: TimelineState, action: TimelineAction): TimelineState {
  switch (action.type) {
    case 'received':
      if (action.messages.length === 0) return state;
      return received(state, action.messages);
    case 'changed':
      if (action.messages.length === 0) return state;
      return changed(state, action.messages);
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
  /** The message it answers, as held: its quote is shown at once (the API stores its own). */
  replyTo?: ChatMessage;
  mentions?: readonly Mention[];
  now?: Date;
}): ChatMessage {
  const { id, text, sender, conversationId, replyTo, mentions, now = new Date() } = options;
  // isPrivate is the API's to say (direct conversations); nothing in the app reads it.
  const message: ChatMessage = {
    id,
    text,
    sender,
    conversationId,
    isPrivate: false,
    sentAt: now.toISOString(),
  };
  if (replyTo) message.replyTo = quoteOf(replyTo);
  if (mentions && mentions.length > 0) message.mentions = [...mentions];
  return message;
}

/** The quote a reply shows of `original`, cut as the API cuts it. */
export function quoteOf(original: ChatMessage): ReplyQuote {
  const { id, sender } = original;
  if (original.deleted) return { id, sender, quote: '', deleted: true };
  return { id, sender, quote: Array.from(original.text).slice(0, MAX_QUOTE_LENGTH).join('') };
}

/** The newest message whose time the server stamped (optimistic copies carry our clock). */
export function newestConfirmed(entries: readonly TimelineEntry[]): ChatMessage | undefined {
  for (let i = entries.length - 1; i >= 0; i -= 1) {
    const entry = entries[i];
    if (entry?.delivery === 'sent') return entry.message;
  }
  return undefined;
}

/** Whether `userId` is among the people who reacted with `emoji`. */
export function hasReacted(message: ChatMessage, emoji: string, userId: string): boolean {
  const reaction = message.reactions?.find((candidate) => candidate.emoji === emoji);
  return reaction?.people.some((person) => person.id === userId) ?? false;
}
