import {
  GENERAL_ROOM_ID,
  MAX_UNREAD,
  PREVIEW_LENGTH,
  type ConversationSummary,
  type MessagePreview,
} from '@chat/conversation';
import type { ChatMessage } from '@chat/message';

/**
 * The caller's conversations as the app knows them: the last GET /api/conversations answer
 * with the live events applied on top (`conversationUpdated` replaces a summary by id,
 * `conversationRemoved` forgets one, a `newMessage` moves its conversation's last message and
 * unread count). As with presence, events seen while a refresh is in flight are replayed over
 * its answer, which may have been read before them.
 */
export type ConversationEvent =
  | { type: 'updated'; summary: ConversationSummary }
  /** One the app learnt of first (it created or joined it): kept as is if already known. */
  | { type: 'added'; summary: ConversationSummary }
  | { type: 'removed'; id: string }
  /**
   * `unread`: it counts as unread for me (from someone else, and not being read right now);
   * `mentionsMe`: it also mentions me (counted in `unreadMentions` when unread).
   */
  | { type: 'messageArrived'; message: ChatMessage; unread: boolean; mentionsMe?: boolean }
  /** A message changed: the last message's preview follows an edit or a delete. */
  | { type: 'messageChanged'; message: ChatMessage };

export type ConversationListAction =
  | ConversationEvent
  | { type: 'refreshStarted'; refreshId: number }
  | { type: 'refreshed'; refreshId: number; conversations: readonly ConversationSummary[] }
  | { type: 'refreshFailed'; refreshId: number };

export interface ConversationListState {
  readonly byId: ReadonlyMap<string, ConversationSummary>;
  /** A list answer arrived at least once. */
  readonly loaded: boolean;
  readonly refresh: { readonly id: number; readonly events: readonly ConversationEvent[] } | null;
}

export const emptyConversationList: ConversationListState = {
  byId: new Map(),
  loaded: false,
  refresh: null,
};

function isAfter(message: ChatMessage, preview: MessagePreview | undefined): boolean {
  if (!preview) return true;
  if (preview.id === message.id) return false;
  const a = Date.parse(message.sentAt);
  const b = Date.parse(preview.sentAt);
  return a !== b ? a > b : message.id > preview.id;
}

/** The start of a text in at most PREVIEW_LENGTH code points, as the API cuts it. */
export function previewText(text: string, length = PREVIEW_LENGTH): string {
  return Array.from(text).slice(0, length).join('');
}

function apply(byId: Map<string, ConversationSummary>, event: ConversationEvent): void {
  switch (event.type) {
    case 'updated':
      byId.set(event.summary.id, event.summary);
      return;
    case 'added':
      if (!byId.has(event.summary.id)) byId.set(event.summary.id, event.summary);
      return;
    case 'removed':
      byId.delete(event.id);
      return;
    case 'messageArrived': {
      const { message } = event;
      const summary = byId.get(message.conversationId);
      // Already counted (the summary came after it) or unknown here (the hook refreshes).
      if (!summary || !isAfter(message, summary.lastMessage)) return;
      byId.set(summary.id, {
        ...summary,
        lastMessage: {
          id: message.id,
          sender: message.sender,
          text: previewText(message.text),
          sentAt: message.sentAt,
        },
        unread: event.unread ? Math.min(summary.unread + 1, MAX_UNREAD + 1) : summary.unread,
        ...(event.unread && event.mentionsMe
          ? { unreadMentions: Math.min((summary.unreadMentions ?? 0) + 1, MAX_UNREAD + 1) }
          : {}),
      });
      return;
    }
    case 'messageChanged': {
      const { message } = event;
      const summary = byId.get(message.conversationId);
      const last = summary?.lastMessage;
      if (!summary || last?.id !== message.id) return;
      byId.set(summary.id, {
        ...summary,
        lastMessage: { ...last, text: previewText(message.text) },
      });
      return;
    }
  }
}

/** "@2": unread messages that mention me; shown even for muted conversations. */
export function unreadMentionsOf(summary: ConversationSummary): number {
  return summary.unreadMentions ?? 0;
}

export function conversationListReducer(
  state: ConversationListState,
  action: ConversationListAction,
): ConversationListState {
  switch (action.type) {
    case 'updated':
    case 'added':
    case 'removed':
    case 'messageArrived':
    case 'messageChanged': {
      const byId = new Map(state.byId);
      apply(byId, action);
      const refresh = state.refresh && {
        id: state.refresh.id,
        events: [...state.refresh.events, action],
      };
      return { ...state, byId, refresh };
    }
    case 'refreshStarted':
      return { ...state, refresh: { id: action.refreshId, events: [] } };
    case 'refreshed': {
      if (state.refresh?.id !== action.refreshId) return state;
      const byId = new Map(action.conversations.map((summary) => [summary.id, summary]));
      for (const event of state.refresh.events) apply(byId, event);
      return { byId, loaded: true, refresh: null };
    }
    case 'refreshFailed':
      return state.refresh?.id === action.refreshId ? { ...state, refresh: null } : state;
  }
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function lastActivity(summary: ConversationSummary): number {
  return summary.lastMessage ? Date.parse(summary.lastMessage.sentAt) || 0 : 0;
}

/**
 * How the sidebar lists them: rooms (#general first, then by name, so they stay where one
 * looks for them) and direct conversations (latest activity first, like a phone's messages).
 */
export function groupConversations(conversations: Iterable<ConversationSummary>): {
  rooms: ConversationSummary[];
  direct: ConversationSummary[];
} {
  const rooms: ConversationSummary[] = [];
  const direct: ConversationSummary[] = [];
  for (const summary of conversations) (summary.kind === 'room' ? rooms : direct).push(summary);
  rooms.sort((a, b) => {
    if (a.id === GENERAL_ROOM_ID || b.id === GENERAL_ROOM_ID) {
      return a.id === GENERAL_ROOM_ID ? (b.id === GENERAL_ROOM_ID ? 0 : -1) : 1;
    }
    return collator.compare(a.name, b.name) || (a.id < b.id ? -1 : 1);
  });
  direct.sort((a, b) => lastActivity(b) - lastActivity(a) || collator.compare(a.name, b.name));
  return { rooms, direct };
}

/**
 * The total for the window title. Muted conversations are left out (as Slack does): muting
 * means "do not call me for this", and a title that counts up is a call. Their own badges in
 * the list still show their counts. Their mentions do count: someone called me by name.
 */
export function titleUnread(conversations: Iterable<ConversationSummary>): number {
  let total = 0;
  for (const summary of conversations) {
    total += summary.muted ? unreadMentionsOf(summary) : summary.unread;
  }
  return total;
}

/** "3", or "99+" above MAX_UNREAD (the API stops counting there). */
export function formatUnread(count: number): string {
  return count > MAX_UNREAD ? `${MAX_UNREAD}+` : String(count);
}

/** "(3) Chat", or "Chat" when nothing waits. */
export function windowTitle(unread: number, base = 'Chat'): string {
  return unread > 0 ? `(${formatUnread(unread)}) ${base}` : base;
}
