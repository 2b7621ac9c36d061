import type { ConnectionStatus as Status } from '../connection/chat-connection.js';

const LABELS: Record<Status, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

/** The connection state in words (the dot's colour only repeats it). */
export function ConnectionStatus({ status }: { status: Status }) {
  return (
    <p className={`connection-status connection-status--${status}`} role="status">
      <span className="connection-status__dot" aria-hidden="true" />
      {LABELS[status]}
    </p>
  );
}
