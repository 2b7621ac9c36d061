import { useCallback, useEffect, useRef, useState } from 'react';
import type { TypingNotice } from '@chat/message';
import {
  TYPING_AFTER_MESSAGE_MS,
  TYPING_NOTICE_MS,
  typistFromNotice,
  type Typist,
} from './typing-notices.js';

export interface TypingNoticesApi {
  /** Who is typing now, ordered by name. */
  typists: readonly Typist[];
  noticed: (notice: TypingNotice) => void;
  /** A message from this person arrived: what they were typing is here. */
  messageFrom: (userId: string) => void;
}

/** Typing notices for me, each gone `timeoutMs` after that person's last notice. */
export function useTypingNotices({
  meId,
  timeoutMs = TYPING_NOTICE_MS,
}: {
  meId: string;
  timeoutMs?: number;
}): TypingNoticesApi {
  const [typing, setTyping] = useState<ReadonlyMap<string, Typist>>(new Map());
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());
  /** When each person's latest message arrived (Date.now()). */
  const messagedAt = useRef(new Map<string, number>());

  const forget = useCallback((userId: string) => {
    clearTimeout(timers.current.get(userId));
    timers.current.delete(userId);
    setTyping((current) => {
      if (!current.has(userId)) return current;
      const next = new Map(current);
      next.delete(userId);
      return next;
    });
  }, []);

  const noticed = useCallback(
    (notice: TypingNotice) => {
      const typist = typistFromNotice(notice, meId);
      if (!typist) return;
      const sinceMessage = Date.now() - (messagedAt.current.get(typist.id) ?? -Infinity);
      if (sinceMessage < TYPING_AFTER_MESSAGE_MS) return;
      clearTimeout(timers.current.get(typist.id));
      timers.current.set(
        typist.id,
        setTimeout(() => forget(typist.id), timeoutMs),
      );
      setTyping((current) => new Map(current).set(typist.id, typist));
    },
    [meId, timeoutMs, forget],
  );

  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
    };
  }, []);

  const typists = [...typing.values()].sort((a, b) => a.name.localeCompare(b.name));
  const messageFrom = useCallback(
    (userId: string) => {
      messagedAt.current.set(userId, Date.now());
      forget(userId);
    },
    [forget],
  );

  return { typists, noticed, messageFrom };
}
