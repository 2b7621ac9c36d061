import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TimelineEntry } from '../timeline/timeline.js';
import { MessageItem, type MessageItemProps } from './MessageItem.js';

/** How close to the bottom still counts as "reading the newest". */
const STICKY_BOTTOM_PX = 48;

export interface MessageListProps extends Omit<MessageItemProps, 'entry'> {
  entries: readonly TimelineEntry[];
}

/**
 * The timeline, oldest first. Keeps the newest message in view unless the reader has
 * scrolled up; then it offers a jump back instead of yanking the view away.
 */
export function MessageList({ entries, meId, onSelectSender, onRetry }: MessageListProps) {
  const logRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const lastIdRef = useRef<string | undefined>(undefined);
  const [hasUnseen, setHasUnseen] = useState(false);

  useLayoutEffect(() => {
    const log = logRef.current;
    const last = entries.at(-1);
    const lastChanged = last?.message.id !== lastIdRef.current;
    lastIdRef.current = last?.message.id;
    if (!log || !last) return;
    // One's own new message always comes into view: the sender just acted.
    const ownNew = lastChanged && last.message.sender.id === meId && last.delivery === 'pending';
    if (atBottomRef.current || ownNew) {
      // Also when an entry only grew (a failure reason appeared): stay pinned to the end.
      log.scrollTop = log.scrollHeight;
      atBottomRef.current = true;
      setHasUnseen(false);
    } else if (lastChanged) {
      setHasUnseen(true);
    }
  }, [entries, meId]);

  // The log also changes height without new entries (the composer grows, the window
  // resizes); a reader who was at the end stays there.
  useEffect(() => {
    const log = logRef.current;
    if (!log || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(() => {
      if (atBottomRef.current) log.scrollTop = log.scrollHeight;
    });
    observer.observe(log);
    return () => observer.disconnect();
  }, []);

  const handleScroll = () => {
    const log = logRef.current;
    if (!log) return;
    atBottomRef.current = log.scrollHeight - log.scrollTop - log.clientHeight <= STICKY_BOTTOM_PX;
    if (atBottomRef.current) setHasUnseen(false);
  };

  const jumpToNewest = () => {
    const log = logRef.current;
    if (!log) return;
    log.scrollTop = log.scrollHeight;
    atBottomRef.current = true;
    setHasUnseen(false);
  };

  return (
    <div className="timeline">
      <div
        ref={logRef}
        className="timeline__log"
        role="log"
        aria-label="Messages"
        tabIndex={0}
        onScroll={handleScroll}
      >
        {entries.length === 0 ? (
          <p className="timeline__empty">No messages yet. Say hello!</p>
        ) : (
          <ol className="timeline__list">
            {entries.map((entry) => (
              <MessageItem
                key={entry.message.id}
                entry={entry}
                meId={meId}
                onSelectSender={onSelectSender}
                onRetry={onRetry}
              />
            ))}
          </ol>
        )}
      </div>
      {hasUnseen ? (
        <button
          type="button"
          className="timeline__jump button button--small"
          onClick={jumpToNewest}
        >
          New messages ↓
        </button>
      ) : null}
    </div>
  );
}
