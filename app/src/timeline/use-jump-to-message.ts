import { useCallback, useEffect, useRef, useState } from 'react';
import type { EarlierSearch } from './history.js';
import type { TimelineEntry } from './timeline.js';

/** How long a message jumped to stays marked. */
export const JUMP_HIGHLIGHT_MS = 2500;
/** How long "The original message was not found." stays. */
export const JUMP_NOTICE_MS = 6000;

/** A message to bring into view and mark: `seq` tells a repeated jump to the same one apart. */
export interface JumpTarget {
  id: string;
  seq: number;
}

export interface JumpToMessage {
  /** The message to scroll to, focus and mark; cleared when the mark fades. */
  target: JumpTarget | undefined;
  /** A sentence for a polite live region while searching or when the search failed. */
  notice: string;
  jumpTo: (messageId: string) => void;
}

/**
 * Activating a reply's quote: the original is brought into view, from the timeline if it is
 * held, else after loading earlier pages until it is found (bounded by the history). A newer
 * jump supersedes one still searching.
 */
export function useJumpToMessage(
  entries: readonly TimelineEntry[],
  loadEarlierUntil: (messageId: string) => Promise<EarlierSearch>,
): JumpToMessage {
  const [target, setTarget] = useState<JumpTarget | undefined>(undefined);
  const [notice, setNotice] = useState('');
  const jumps = useRef(0);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;

  // The mark fades, as in Slack and Element.
  useEffect(() => {
    if (!target) return;
    const timer = setTimeout(() => setTarget(undefined), JUMP_HIGHLIGHT_MS);
    return () => clearTimeout(timer);
  }, [target]);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(''), JUMP_NOTICE_MS);
    return () => clearTimeout(timer);
  }, [notice]);

  const jumpTo = useCallback(
    (messageId: string) => {
      const seq = ++jumps.current;
      const show = () => {
        setNotice('');
        setTarget({ id: messageId, seq });
      };
      if (entriesRef.current.some((entry) => entry.message.id === messageId)) {
        show();
        return;
      }
      setNotice('Looking for the original message…');
      void loadEarlierUntil(messageId).then((outcome) => {
        if (jumps.current !== seq) return;
        if (outcome === 'found') show();
        else if (outcome === 'not-found') setNotice('The original message was not found.');
        else setNotice('The original message could not be loaded.');
      });
    },
    [loadEarlierUntil],
  );

  return { target, notice, jumpTo };
}
