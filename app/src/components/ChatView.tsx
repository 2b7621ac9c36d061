import { useCallback, useMemo, useRef, useState } from 'react';
import { SIGN_OUT_URL, type CurrentUser } from '../api/auth.js';
import type { CreateChatConnection } from '../connection/chat-connection.js';
import { useChatConnection } from '../connection/useChatConnection.js';
import { createTypingThrottle } from '../presence/typing-throttle.js';
import { usePresence } from '../presence/usePresence.js';
import { useTypingNotices } from '../presence/useTypingNotices.js';
import { useHistory } from '../timeline/useHistory.js';
import { useTimeline, type Recipient } from '../timeline/useTimeline.js';
import { Composer } from './Composer.js';
import { ConnectionStatus } from './ConnectionStatus.js';
import { MessageList } from './MessageList.js';
import { OnlineList } from './OnlineList.js';
import { TypingIndicator } from './TypingIndicator.js';

export interface ChatViewProps {
  me: CurrentUser;
  fetchFn: typeof fetch;
  createConnection: CreateChatConnection;
  /** Full-page navigation (sign-out is a server route, not an in-app view). */
  navigate: (url: string) => void;
  /** The API said 401: the session is over. */
  onSignedOut: () => void;
}

export function ChatView({ me, fetchFn, createConnection, navigate, onSignedOut }: ChatViewProps) {
  const { entries, receive, send, retry } = useTimeline({
    me,
    fetchFn,
    onUnauthorized: onSignedOut,
  });
  const typing = useTypingNotices({ meId: me.id });
  const { status, sendTyping } = useChatConnection(createConnection, {
    onMessage: (message) => {
      receive([message]);
      typing.messageFrom(message.sender.id);
    },
    // Called only after render, when `presence` below exists.
    onUserJoined: (person) => presence.joined(person),
    onUserLeft: (userId) => presence.left(userId),
    onTyping: typing.noticed,
    // Called only after render, when `history` below exists.
    onReconnected: () => history.catchUp(),
    onUnauthorized: onSignedOut,
  });
  const presence = usePresence({ fetchFn, status });
  const announceTyping = useMemo(() => createTypingThrottle({ send: sendTyping }), [sendTyping]);
  const history = useHistory({ fetchFn, entries, receive, status, onUnauthorized: onSignedOut });
  const [recipient, setRecipient] = useState<Recipient | undefined>(undefined);
  const textareaRef = useRef<HTMLTextAreaElement>(null);

  const selectRecipient = useCallback((sender: Recipient) => {
    setRecipient({ id: sender.id, name: sender.name });
    textareaRef.current?.focus();
  }, []);

  const removeRecipient = useCallback(() => {
    setRecipient(undefined);
    textareaRef.current?.focus();
  }, []);

  return (
    <div className="chat">
      <header className="chat__header">
        <h1 className="chat__title">Chat</h1>
        <ConnectionStatus status={status} />
        <div className="chat__user">
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
      <aside className="chat__online">
        <OnlineList
          people={presence.people}
          me={me}
          connected={status === 'connected'}
          onSelect={selectRecipient}
        />
      </aside>
      <main className="chat__main">
        <MessageList
          entries={entries}
          meId={me.id}
          onSelectSender={selectRecipient}
          onRetry={retry}
          history={history.controls}
        />
      </main>
      <TypingIndicator typists={typing.typists} />
      <footer className="chat__composer">
        <Composer
          canSend={status === 'connected'}
          recipient={recipient}
          onRemoveRecipient={removeRecipient}
          onSend={send}
          textareaRef={textareaRef}
          onTyping={(to) => announceTyping(to?.id)}
        />
      </footer>
    </div>
  );
}
