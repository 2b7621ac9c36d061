import { Fragment, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { TimelineEntry } from '../timeline/timeline.js';
import type { JumpTarget } from '../timeline/use-jump-to-message.js';
import { HistoryBottom, HistoryTop, type HistoryControls } from './history-notice.js';
import { MessageItem, type MessageItemProps } from './message-item.js';

/** How close to the bottom still counts as "reading the newest". */
const STICKY_BOTTOM_PX = 48;

export interface MessageListProps extends Omit<
  MessageItemProps,
  'entry' | 'highlighted' | 'editRequest' | 'onRequestedEditDone'
> {
  entries: readonly TimelineEntry[];
  /** Loading state and actions of the history; without it the list shows live messages only. */
  history?: HistoryControls;
  /** The "New messages" divider goes before this message. */
  dividerBeforeId?: string;
  /** Whether the newest message is in view, each time that changes (and once at first). */
  onAtEndChange?: (atEnd: boolean) => void;
  /** Scrolled to and focused once it is rendered, and marked while set. */
  jumpTarget?: JumpTarget;
  /** Opens the editor of this message (a new `seq` each time). */
  editRequest?: JumpTarget;
  /** The editor it opened closed: the focus goes back where the request came from. */
  onRequestedEditDone?: () => void;
}

/** Where the first message sat in the view, to put it back there when earlier ones arrive. */
interface Anchor {
  id: string;
  /** Its top minus the log's scrollTop. */
  offset: number;
}

function messageElement(log: HTMLElement, id: string): HTMLElement | null {
  // By attribute value, not a selector: ids come from the network and need no escaping here.
  for (const element of log.querySelectorAll<HTMLElement>('[data-message-id]')) {
    if (element.dataset.messageId === id) return element;
  }
  return null;
}

/**
 * The timeline, oldest first. Keeps the newest message in view unless the reader has
 * scrolled up; then it offers a jump back instead of yanking the view away.
 */
export function MessageList({
  entries,
  meId,
  onSelectSender,
  onRetry,
  actions,
  history,
  dividerBeforeId,
  onAtEndChange,
  jumpTarget,
  editRequest,
  onRequestedEditDone,
}: MessageListProps) {
  const jumpedRef = useRef<number | undefined>(undefined);
  const logRef = useRef<HTMLDivElement>(null);
  const atBottomRef = useRef(true);
  const [atEnd, setAtEnd] = useState(true);
  const onAtEndChangeRef = useRef(onAtEndChange);
  onAtEndChangeRef.current = onAtEndChange;
  useEffect(() => onAtEndChangeRef.current?.(atEnd), [atEnd]);
  const lastIdRef = useRef<string | undefined>(undefined);
  const anchorRef = useRef<Anchor | undefined>(undefined);
  const [hasUnseen, setHasUnseen] = useState(false);

  const rememberAnchor = () => {
    const log = logRef.current;
    const first = entries[0];
    const element = log && first ? messageElement(log, first.message.id) : null;
    anchorRef.current =
      log && first && element
        ? { id: first.message.id, offset: element.offsetTop - log.scrollTop }
        : undefined;
  };

  useLayoutEffect(() => {
    const log = logRef.current;
    const last = entries.at(-1);
    const lastChanged = last?.message.id !== lastIdRef.current;
    lastIdRef.current = last?.message.id;
    if (!log || !last) return;
    // Earlier messages arrived above: keep the message that was first where the reader saw it.
    const anchor = anchorRef.current;
    if (anchor && entries[0]?.message.id !== anchor.id && !atBottomRef.current) {
      const element = messageElement(log, anchor.id);
      if (element) log.scrollTop = element.offsetTop - anchor.offset;
    }
    // One's own new message always comes into view: the sender just acted.
    const ownNew = lastChanged && last.message.sender.id === meId && last.delivery === 'pending';
    if (atBottomRef.current || ownNew) {
      // Also when an entry only grew (a failure reason appeared): stay pinned to the end.
      log.scrollTop = log.scrollHeight;
      atBottomRef.current = true;
      setAtEnd(true);
      setHasUnseen(false);
    } else if (lastChanged) {
      setHasUnseen(true);
    }
    // A jump waits until its message is rendered (it may arrive with an earlier page).
    if (jumpTarget && jumpedRef.current !== jumpTarget.seq) {
      const element = messageElement(log, jumpTarget.id);
      if (element) {
        jumpedRef.current = jumpTarget.seq;
        // jsdom has no scrollIntoView.
        element.scrollIntoView?.({ block: 'center' });
        element.focus({ preventScroll: true });
        atBottomRef.current =
          log.scrollHeight - log.scrollTop - log.clientHeight <= STICKY_BOTTOM_PX;
        setAtEnd(atBottomRef.current);
      }
    }
    rememberAnchor();
  });

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
    setAtEnd(atBottomRef.current);
    if (atBottomRef.current) setHasUnseen(false);
    rememberAnchor();
  };

  const jumpToNewest = () => {
    const log = logRef.current;
    if (!log) return;
    log.scrollTop = log.scrollHeight;
    atBottomRef.current = true;
    setAtEnd(true);
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
        {history ? <HistoryTop {...history} /> : null}
        {entries.length === 0 ? (
          history?.state.latest === 'loading' ? null : (
            <p className="timeline__empty">No messages yet. Say hello!</p>
          )
        ) : (
          <ol className="timeline__list">
            {entries.map((entry) => (
              <Fragment key={entry.message.id}>
                {entry.message.id === dividerBeforeId ? (
                  <li className="timeline__divider" role="separator" aria-label="New messages">
                    <span>New messages</span>
                  </li>
                ) : null}
                <MessageItem
                  entry={entry}
                  meId={meId}
                  onSelectSender={onSelectSender}
                  onRetry={onRetry}
                  highlighted={entry.message.id === jumpTarget?.id}
                  {...(entry.message.id === editRequest?.id
                    ? { editRequest: editRequest.seq }
                    : {})}
                  {...(onRequestedEditDone ? { onRequestedEditDone } : {})}
                  {...(actions ? { actions } : {})}
                />
              </Fragment>
            ))}
          </ol>
        )}
        {history ? <HistoryBottom {...history} /> : null}
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
