import { useState } from 'react';
import type { Notifier, NotificationState } from '../notifications/notifier.js';

/**
 * "Enable notifications": the permission is asked only when this is pressed, never on load
 * (browsers block sites that ask unprompted, and people rightly dislike it).
 */
export function NotificationControl({ notifier }: { notifier: Notifier }) {
  const [state, setState] = useState<NotificationState>(() => notifier.permission());
  if (state === 'unsupported') return null;
  if (state === 'granted')
    return <span className="notifications notifications--on">Notifications on</span>;
  if (state === 'denied') {
    return (
      <span
        className="notifications notifications--blocked"
        title="Allow notifications for this site in the browser's settings to get them."
      >
        Notifications blocked
      </span>
    );
  }
  return (
    <button
      type="button"
      className="button button--quiet button--small"
      onClick={() => {
        notifier.requestPermission().then(setState, () => setState(notifier.permission()));
      }}
    >
      Enable notifications
    </button>
  );
}
