import { useEffect, useState } from 'react';
import type { TimelineEntry } from '../timeline/timeline.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Whether the clock has passed `at` (always true without one); re-renders once when it does. */
function useTimePassed(at: number | undefined): boolean {
  const [passed, setPassed] = useState(() => at === undefined || Date.now() >= at);
  useEffect(() => {
    if (at === undefined || Date.now() >= at) {
      setPassed(true);
      return;
    }
    setPassed(false);
    const timer = setTimeout(() => setPassed(true), at - Date.now());
    return () => clearTimeout(timer);
  }, [at]);
  return passed;
}

export interface MessageItemProps {
  entry: TimelineEntry;
  meId: string;
  /** Activating a sender's name: open the direct conversation with them. */
  onSelectSender: (sender: { id: string; name: string }) => void;
  onRetry: (id: string) => void;
}

/** One message. Its text is a React text node, never HTML. */
export function MessageItem({ entry, meId, onSelectSender, onRetry }: MessageItemProps) {
  const { message, delivery, failure } = entry;
  const own = message.sender.id === meId;
  const canRetry = useTimePassed(failure?.retryAt);
  const sentAt = new Date(message.sentAt);
  const classes = ['message', own ? 'message--own' : 'message--other', `message--${delivery}`]
    .filter(Boolean)
    .join(' ');

  return (
    <li className={classes} data-message-id={message.id}>
      <div className="message__meta">
        {own ? (
          <span className="message__sender">{message.sender.name}</span>
        ) : (
          <button
            type="button"
            className="message__sender message__sender--button"
            title={`Write to ${message.sender.name} directly`}
            onClick={() => onSelectSender(message.sender)}
          >
            {message.sender.name}
          </button>
        )}
        <time className="message__time" dateTime={message.sentAt} title={fullFormat.format(sentAt)}>
          {timeFormat.format(sentAt)}
        </time>
      </div>
      <p className="message__text">{message.text}</p>
      {delivery === 'pending' ? <p className="message__delivery">Sending…</p> : null}
      {delivery === 'failed' ? (
        <div className="message__delivery message__delivery--failed" role="alert">
          <span>Failed. {failure?.reason}</span>
          <button
            type="button"
            className="button button--small"
            disabled={!canRetry}
            onClick={() => onRetry(message.id)}
          >
            Retry
          </button>
        </div>
      ) : null}
    </li>
  );
}
