import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { GENERAL_ROOM_ID, type ConversationSummary, type RoomSummary } from '@chat/conversation';
import type { ChatMessage } from '@chat/message';
import { SIGN_OUT_URL, type CurrentUser } from '../api/auth.js';
import { addRoomMember, roomConversation } from '../api/conversations.js';
import type { CreateChatConnection } from '../connection/chat-connection.js';
import { useChatConnection } from '../connection/use-chat-connection.js';
import { formatUnread, titleUnread, windowTitle } from '../conversations/conversation-list.js';
import { GENERAL_ROUTE, type Route } from '../conversations/route.js';
import { useConversations } from '../conversations/use-conversations.js';
import {
  useKeptConversations,
  useOpenConversation,
} from '../conversations/use-open-conversation.js';
import { useRoute } from '../conversations/use-route.js';
import { notificationBody, type Notifier } from '../notifications/notifier.js';
import { useWindowAttention } from '../notifications/use-window-attention.js';
import { usePresence } from '../presence/use-presence.js';
import { ConnectionStatus } from './connection-status.js';
import { ConversationHeader } from './conversation-header.js';
import { ConversationList } from './conversation-list.js';
import { ConversationView, type ConversationSink } from './conversation-view.js';
import { JoinRoom } from './join-room.js';
import { NotificationControl } from './notification-control.js';
import { OnlineList } from './online-list.js';
import { RoomPreviewHeader } from './room-preview-header.js';

export interface ChatViewProps {
  me: CurrentUser;
  fetchFn: typeof fetch;
  createConnection: CreateChatConnection;
  /** Full-page navigation (sign-out is a server route, not an in-app view). */
  navigate: (url: string) => void;
  notifier: Notifier;
  /** The API said 401: the session is over. */
  onSignedOut: () => void;
}

// Used now and then, not on arrival: loaded when first opened, to keep the first load small.
const RoomDirectory = lazy(() =>
  import('./room-directory.js').then((module) => ({ default: module.RoomDirectory })),
);
const CreateRoomForm = lazy(() =>
  import('./create-room-form.js').then((module) => ({ default: module.CreateRoomForm })),
);

type Panel = 'directory' | 'create' | null;

function placeholderFor(summary: ConversationSummary | undefined, meId: string): string {
  if (!summary) return 'Message';
  if (summary.kind === 'room') return `Message #${summary.name}`;
  return summary.with?.id === meId ? 'Note to self' : `Message ${summary.name}`;
}

export function ChatView({
  me,
  fetchFn,
  createConnection,
  navigate,
  notifier,
  onSignedOut,
}: ChatViewProps) {
  const { route, go } = useRoute();
  const attention = useWindowAttention();
  const [panel, setPanel] = useState<Panel>(null);
  const [sidebarOpen, setSidebarOpen] = useState(false);

  // Mounted conversations, by id: live messages, typing notices and catch-ups go to them.
  const sinks = useRef(new Map<string, ConversationSink>());
  const register = useCallback((conversationId: string, sink: ConversationSink) => {
    sinks.current.set(conversationId, sink);
    return () => {
      if (sinks.current.get(conversationId) === sink) sinks.current.delete(conversationId);
    };
  }, []);
  const atEnd = useRef(new Map<string, boolean>());
  const handleAtEnd = useCallback((conversationId: string, value: boolean) => {
    atEnd.current.set(conversationId, value);
  }, []);

  const { status, sendTyping } = useChatConnection(createConnection, {
    // Called only after render, when everything below exists.
    onMessage: (message) => handleMessage(message),
    onMessageChanged: (message) => {
      sinks.current.get(message.conversationId)?.changed(message);
      conversations.messageChanged(message);
    },
    onUserJoined: (person) => presence.joined(person),
    onUserLeft: (userId) => presence.left(userId),
    onTyping: (notice) => sinks.current.get(notice.conversationId)?.typing(notice),
    onReconnected: () => {
      for (const sink of sinks.current.values()) sink.catchUp();
    },
    onConversationUpdated: (summary) => conversations.updated(summary),
    onConversationRemoved: (id) => {
      conversations.removed(id);
      // Left in another tab while open here: back to #general.
      if (id === activeId) go(GENERAL_ROUTE, { replace: true });
    },
    onUnauthorized: onSignedOut,
  });
  const presence = usePresence({ fetchFn, status });
  const conversations = useConversations({ fetchFn, status, onUnauthorized: onSignedOut });
  const open = useOpenConversation({
    route,
    byId: conversations.byId,
    fetchFn,
    onResolved: conversations.updated,
    onUnauthorized: onSignedOut,
  });
  const activeId = open.state === 'open' ? open.conversationId : undefined;
  const isKnown = (id: string) =>
    !conversations.loaded || id === GENERAL_ROOM_ID || conversations.byId.has(id);
  const kept = useKeptConversations(activeId, isKnown);
  const onlineIds = useMemo(
    () => new Set(presence.people.map((person) => person.id)),
    [presence.people],
  );

  const openRoute = useCallback(
    (next: Route) => {
      setPanel(null);
      setSidebarOpen(false);
      go(next);
    },
    [go],
  );

  function handleMessage(message: ChatMessage) {
    const { conversationId } = message;
    sinks.current.get(conversationId)?.receive(message);
    const summary = conversations.byId.get(conversationId);
    const fromMe = message.sender.id === me.id;
    const reading =
      activeId === conversationId &&
      panel === null &&
      attention.visible &&
      attention.focused &&
      (atEnd.current.get(conversationId) ?? true);
    const mentionsMe = !fromMe && (message.mentions ?? []).some((m) => m.id === me.id);
    conversations.messageArrived(message, !fromMe && !reading, mentionsMe);
    // A conversation this list does not have yet (its event may still be on its way).
    if (!summary) conversations.refresh();
    const direct = summary ? summary.kind === 'direct' : message.isPrivate;
    // Direct messages call unless muted; a mention calls even in a muted conversation (the
    // person was called by name), as in Slack.
    const calls = !fromMe && ((direct && !summary?.muted) || mentionsMe);
    if (calls && document.visibilityState === 'hidden' && notifier.permission() === 'granted') {
      const where = summary && summary.kind === 'room' ? ` in #${summary.name}` : '';
      notifier.show(
        mentionsMe && !direct
          ? `${message.sender.name} mentioned you${where}`
          : message.sender.name,
        { body: notificationBody(message.text), tag: conversationId },
        () => {
          window.focus();
          openRoute(
            direct
              ? { kind: 'direct', userId: message.sender.id }
              : { kind: 'room', roomId: conversationId },
          );
        },
      );
    }
  }

  const listed = useMemo(() => [...conversations.byId.values()], [conversations.byId]);
  const unread = titleUnread(listed);
  useEffect(() => {
    document.title = windowTitle(unread);
    // Signed out (or unmounted): no count is left behind in the tab.
    return () => {
      document.title = windowTitle(0);
    };
  }, [unread]);

  const { removed: forget, added } = conversations;
  const handleLeft = useCallback(
    (conversationId: string) => {
      forget(conversationId);
      go(GENERAL_ROUTE, { replace: true });
    },
    [forget, go],
  );

  const joinRoom = useCallback(
    async (roomId: string) => {
      const room = await addRoomMember(roomId, me.id, fetchFn);
      added(roomConversation(room));
    },
    [added, fetchFn, me.id],
  );

  const openPerson = useCallback(
    (person: { id: string }) => openRoute({ kind: 'direct', userId: person.id }),
    [openRoute],
  );

  const roomOpened = (room: RoomSummary) => openRoute({ kind: 'room', roomId: room.id });

  return (
    <div className={`chat${sidebarOpen ? ' chat--sidebar-open' : ''}`}>
      <header className="chat__header">
        <button
          type="button"
          className="button button--quiet button--small chat__sidebar-toggle"
          aria-expanded={sidebarOpen}
          aria-controls="chat-sidebar"
          onClick={() => setSidebarOpen((value) => !value)}
        >
          {unread > 0 ? `Conversations (${formatUnread(unread)})` : 'Conversations'}
        </button>
        <h1 className="chat__title">Chat</h1>
        <ConnectionStatus status={status} />
        <div className="chat__user">
          <NotificationControl notifier={notifier} />
          <span className="chat__user-name" title={`Signed in with ${me.provider}`}>
            {me.name}
          </span>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => navigate(SIGN_OUT_URL)}
          >
            Sign out
          </button>
        </div>
      </header>
      <aside className="chat__sidebar" id="chat-sidebar">
        <ConversationList
          conversations={listed}
          activeId={panel === null ? activeId : undefined}
          meId={me.id}
          onlineIds={onlineIds}
          loaded={conversations.loaded}
          onOpen={openRoute}
          onBrowseRooms={() => {
            setPanel('directory');
            setSidebarOpen(false);
          }}
          onCreateRoom={() => {
            setPanel('create');
            setSidebarOpen(false);
          }}
        />
        <OnlineList
          people={presence.people}
          me={me}
          connected={status === 'connected'}
          onSelect={openPerson}
        />
      </aside>
      <main className="chat__main">
        <Suspense fallback={<p className="app-message">Loading…</p>}>
          {panel === 'directory' ? (
            <RoomDirectory
              fetchFn={fetchFn}
              onJoin={async (room) => {
                await joinRoom(room.id);
                roomOpened(room);
              }}
              onOpen={roomOpened}
              onClose={() => setPanel(null)}
              onUnauthorized={onSignedOut}
            />
          ) : null}
          {panel === 'create' ? (
            <CreateRoomForm
              fetchFn={fetchFn}
              onCreated={(room) => {
                conversations.added(roomConversation(room));
                roomOpened(room);
              }}
              onClose={() => setPanel(null)}
              onUnauthorized={onSignedOut}
            />
          ) : null}
        </Suspense>
        {open.state === 'resolving' ? (
          <p className="app-message" aria-live="polite">
            Opening the conversation…
          </p>
        ) : null}
        {open.state === 'failed' ? (
          <div className="app-message" role="alert">
            <p>This conversation could not be opened. {open.reason}</p>
            <button type="button" className="button" onClick={() => openRoute(GENERAL_ROUTE)}>
              Go to #general
            </button>
          </div>
        ) : null}
        {kept.map((conversationId) => {
          const summary = conversations.byId.get(conversationId);
          const member = !conversations.loaded || summary !== undefined;
          return (
            <ConversationView
              key={conversationId}
              conversationId={conversationId}
              summary={summary}
              active={conversationId === activeId && panel === null}
              placeholder={placeholderFor(summary, me.id)}
              header={
                summary ? (
                  <ConversationHeader
                    summary={summary}
                    me={me}
                    fetchFn={fetchFn}
                    online={summary.with ? onlineIds.has(summary.with.id) : false}
                    onlineIds={onlineIds}
                    onSelectPerson={openPerson}
                    onSummary={conversations.updated}
                    onLeft={handleLeft}
                    onUnauthorized={onSignedOut}
                  />
                ) : member ? null : (
                  <RoomPreviewHeader roomId={conversationId} fetchFn={fetchFn} />
                )
              }
              {...(member
                ? {}
                : {
                    notMember: <JoinRoom onJoin={() => joinRoom(conversationId)} />,
                  })}
              me={me}
              fetchFn={fetchFn}
              status={status}
              attention={attention}
              register={register}
              sendTyping={sendTyping}
              onSelectPerson={openPerson}
              onSummary={conversations.updated}
              onAtEndChange={handleAtEnd}
              onUnauthorized={onSignedOut}
            />
          );
        })}
      </main>
    </div>
  );
}
