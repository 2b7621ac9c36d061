import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { ConversationSummary } from '@chat/conversation';
import type { ChatMessage, Mention, TypingNotice, TypingRequest } from '@chat/message';
import type { CurrentUser } from '../api/auth.js';
import { markRead } from '../api/conversations.js';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { firstUnreadId, readUpTo, type OpenedAt } from '../conversations/read-position.js';
import type { WindowAttention } from '../notifications/use-window-attention.js';
import { createTypingThrottle } from '../presence/typing-throttle.js';
import { useTypingNotices } from '../presence/use-typing-notices.js';
import { useHistory } from '../timeline/use-history.js';
import { useJumpToMessage, type JumpTarget } from '../timeline/use-jump-to-message.js';
import { useTimeline } from '../timeline/use-timeline.js';
import { mentionSource } from '../mentions/mention-source.js';
import { Composer } from './composer.js';
import type { MessageActionHandlers } from './message-item.js';
import { MessageList } from './message-list.js';
import { TypingIndicator } from './typing-indicator.js';

/** What the chat routes to a mounted conversation, by the event's conversationId. */
export interface ConversationSink {
  receive: (message: ChatMessage) => void;
  /** A `messageChanged` event: applied if the message is held. */
  changed: (message: ChatMessage) => void;
  typing: (notice: TypingNotice) => void;
  /** After a reconnect: fetch what was missed. */
  catchUp: () => void;
}

export interface ConversationViewProps {
  conversationId: string;
  /** Its entry in the list; undefined while the list loads, or for a room not joined. */
  summary: ConversationSummary | undefined;
  /** Shown in the composer's place: e.g. the "Join" button of a public room not joined. */
  notMember?: ReactNode;
  /** The conversation on screen; the others stay mounted (hidden) so going back is instant. */
  active: boolean;
  /** Placeholder of the composer: "Message #general", "Message bob". */
  placeholder: string;
  header: ReactNode;
  me: CurrentUser;
  fetchFn: typeof fetch;
  status: ConnectionStatus;
  attention: WindowAttention;
  register: (conversationId: string, sink: ConversationSink) => () => void;
  sendTyping: (request: TypingRequest) => boolean;
  onSelectPerson: (person: { id: string; name: string }) => void;
  /** The API answered with the conversation's new summary (read position moved). */
  onSummary: (summary: ConversationSummary) => void;
  onAtEndChange: (conversationId: string, atEnd: boolean) => void;
  onUnauthorized: () => void;
}

/**
 * One conversation: its timeline (history, catch-up, sends), its typing notices, its
 * composer, and its read position, which moves forward whenever the conversation is on screen
 * in a focused window with its newest message in view.
 */
export function ConversationView(props: ConversationViewProps) {
  const { conversationId, summary, active, me, fetchFn, status, attention } = props;
  const { onSummary, onUnauthorized, onAtEndChange } = props;
  const timeline = useTimeline({ conversationId, me, fetchFn, onUnauthorized });
  const { entries, receive, receiveChanged, send, retry } = timeline;
  const typing = useTypingNotices({ meId: me.id });
  const history = useHistory({
    conversationId,
    fetchFn,
    entries,
    receive,
    receiveChanged,
    status,
    onUnauthorized,
  });
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const [atEnd, setAtEnd] = useState(true);

  // The sink's functions are stable; they read the latest hooks through this ref.
  const latest = useRef({ receive, receiveChanged, typing, history });
  latest.current = { receive, receiveChanged, typing, history };
  const { register } = props;
  useEffect(
    () =>
      register(conversationId, {
        receive: (message) => {
          latest.current.receive([message]);
          latest.current.typing.messageFrom(message.sender.id);
        },
        changed: (message) => latest.current.receiveChanged([message]),
        typing: (notice) => latest.current.typing.noticed(notice),
        catchUp: () => latest.current.history.catchUp(),
      }),
    [register, conversationId],
  );

  const { sendTyping } = props;
  const announceTyping = useMemo(
    () => createTypingThrottle({ send: () => sendTyping({ conversationId }) }),
    [sendTyping, conversationId],
  );

  // What was unread when it was opened: the divider stays there while it is open, even
  // though reading it moves the read position at once.
  const [openedAt, setOpenedAt] = useState<OpenedAt | undefined>(undefined);
  const captured = useRef(false);
  useEffect(() => {
    if (!active) {
      captured.current = false;
      setOpenedAt(undefined);
      return;
    }
    if (captured.current || !summary) return;
    captured.current = true;
    setOpenedAt({
      unread: summary.unread,
      ...(summary.readPosition ? { readPosition: summary.readPosition } : {}),
    });
  }, [active, summary]);

  const handleAtEnd = useCallback(
    (value: boolean) => {
      setAtEnd(value);
      onAtEndChange(conversationId, value);
    },
    [conversationId, onAtEndChange],
  );

  // Read: open, the window focused and shown, the newest message in view.
  const reading = active && attention.visible && attention.focused && atEnd;
  const upTo = reading && summary && openedAt ? readUpTo(entries, summary, me.id) : undefined;
  const requested = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (upTo === undefined || requested.current === upTo) return;
    requested.current = upTo;
    markRead(conversationId, upTo, fetchFn).then(onSummary, (error: unknown) => {
      // Tried again when the newest message or the summary changes.
      requested.current = undefined;
      console.warn('Could not save the read position.', error);
    });
  }, [upTo, conversationId, fetchFn, onSummary]);

  const dividerBeforeId = firstUnreadId(entries, openedAt, me.id);
  const canSend = status === 'connected';

  const [replyingTo, setReplyingTo] = useState<ChatMessage | undefined>(undefined);
  const [editRequest, setEditRequest] = useState<JumpTarget | undefined>(undefined);
  const jump = useJumpToMessage(entries, history.loadEarlierUntil);

  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const focusComposer = useCallback(() => textareaRef.current?.focus(), []);
  const editLast = useCallback(() => {
    const last = entriesRef.current.findLast(
      (entry) =>
        entry.message.sender.id === me.id && entry.delivery === 'sent' && !entry.message.deleted,
    );
    if (last) setEditRequest((current) => ({ id: last.message.id, seq: (current?.seq ?? 0) + 1 }));
  }, [me.id]);
  const { jumpTo } = jump;
  const { edit, remove, toggleReaction } = timeline;
  const actions = useMemo<MessageActionHandlers>(
    () => ({
      onReply: (message) => {
        setReplyingTo(message);
        textareaRef.current?.focus();
      },
      onJumpTo: jumpTo,
      onToggleReaction: toggleReaction,
      onEdit: edit,
      onDelete: remove,
    }),
    [jumpTo, edit, remove, toggleReaction],
  );

  const mentions = useMemo(
    () =>
      mentionSource(
        conversationId,
        summary && { kind: summary.kind, ...(summary.with ? { with: summary.with } : {}) },
        { id: me.id, name: me.name },
        fetchFn,
      ),
    // The source keeps its own cache of a room's members: rebuilt only when who may read changes.
    [conversationId, summary?.kind, summary?.with?.id, me.id, me.name, fetchFn],
  );

  const sendMessage = useCallback(
    (text: string, picked?: Mention[]) => {
      send(text, {
        ...(replyingTo ? { replyTo: replyingTo } : {}),
        ...(picked ? { mentions: picked } : {}),
      });
      setReplyingTo(undefined);
    },
    [send, replyingTo],
  );

  return (
    <section
      className="conversation"
      hidden={!active}
      aria-label={`Conversation ${summary?.name ?? ''}`.trim()}
    >
      {props.header}
      <div className="conversation__timeline">
        <MessageList
          entries={entries}
          meId={me.id}
          onSelectSender={props.onSelectPerson}
          onRetry={retry}
          // Someone previewing a public room before joining can read, not act.
          {...(props.notMember ? {} : { actions })}
          history={history.controls}
          {...(dividerBeforeId ? { dividerBeforeId } : {})}
          {...(jump.target ? { jumpTarget: jump.target } : {})}
          {...(editRequest ? { editRequest } : {})}
          onRequestedEditDone={focusComposer}
          onAtEndChange={handleAtEnd}
        />
      </div>
      <p className="conversation__notice" aria-live="polite">
        {jump.notice}
      </p>
      <TypingIndicator typists={typing.typists} />
      <footer className="conversation__composer">
        {props.notMember ?? (
          <Composer
            canSend={canSend}
            placeholder={props.placeholder}
            onSend={sendMessage}
            textareaRef={textareaRef}
            onTyping={announceTyping}
            mentionSource={mentions}
            onEditLast={editLast}
            {...(replyingTo ? { replyingTo } : {})}
            onCancelReply={() => {
              setReplyingTo(undefined);
              textareaRef.current?.focus();
            }}
          />
        )}
      </footer>
    </section>
  );
}
