import { useCallback, useEffect, useState } from 'react';
import { fetchCurrentUser, type CurrentUser } from './api/auth.js';
import type { CreateChatConnection } from './connection/chat-connection.js';
import { ChatView } from './components/chat-view.js';
import { WelcomeView } from './components/welcome-view.js';
import { browserNotifier, type Notifier } from './notifications/notifier.js';

/** What the app talks to; main.tsx passes the real ones, tests their fakes. */
export interface AppServices {
  fetch: typeof fetch;
  createConnection: CreateChatConnection;
  /** Leaves the app for a server route such as sign-out. */
  navigate: (url: string) => void;
  /** Browser notifications; the window's own Notification API when not given. */
  notifier?: Notifier;
}

type Session =
  | { state: 'loading' }
  | { state: 'failed' }
  | { state: 'signed-out'; notice?: string }
  | { state: 'signed-in'; user: CurrentUser };

export function App({ services }: { services: AppServices }) {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const [notifier] = useState(() => services.notifier ?? browserNotifier());

  useEffect(() => {
    let current = true;
    fetchCurrentUser(services.fetch).then(
      (user) => {
        if (current) setSession(user ? { state: 'signed-in', user } : { state: 'signed-out' });
      },
      () => {
        if (current) setSession({ state: 'failed' });
      },
    );
    return () => {
      current = false;
    };
  }, [services.fetch, attempt]);

  const handleSignedOut = useCallback(() => {
    setSession({ state: 'signed-out', notice: 'Your session has ended. Please sign in again.' });
  }, []);

  switch (session.state) {
    case 'loading':
      return (
        <p className="app-message" role="status">
          Loading…
        </p>
      );
    case 'failed':
      return (
        <div className="app-message" role="alert">
          <p>Could not reach the sign-in service.</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setSession({ state: 'loading' });
              setAttempt((n) => n + 1);
            }}
          >
            Try again
          </button>
        </div>
      );
    case 'signed-out':
      return <WelcomeView notice={session.notice} />;
    case 'signed-in':
      return (
        <ChatView
          me={session.user}
          fetchFn={services.fetch}
          createConnection={services.createConnection}
          navigate={services.navigate}
          notifier={notifier}
          onSignedOut={handleSignedOut}
        />
      );
  }
}
