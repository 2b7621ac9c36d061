import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConnectionStatus } from './chat-connection.js';

export interface LoadHandlers<T> {
  /** A load began; `loadId` grows with every load, so a late answer can be told apart. */
  started: (loadId: number) => void;
  loaded: (loadId: number, value: T) => void;
  failed: (loadId: number, error: unknown) => void;
}

/**
 * Loads something each time the connection becomes connected (the first connect and every
 * reconnect: live events may have been missed meanwhile), again `retryMs` after a failure while
 * still connected, whenever `load` changes (memoize it), and whenever the returned `reload` is
 * called. An answer that comes after the component unmounted or the connection dropped is not
 * handed on; failures always are (a 401 must still sign the person out).
 */
export function useLoadWhileConnected<T>(
  status: ConnectionStatus,
  load: () => Promise<T>,
  handlers: LoadHandlers<T>,
  retryMs: number,
): () => void {
  const loadCount = useRef(0);
  const [attempt, setAttempt] = useState(0);
  // The latest handlers, without making every render start a load.
  const on = useRef(handlers);
  on.current = handlers;

  useEffect(() => {
    if (status !== 'connected') return;
    loadCount.current += 1;
    const loadId = loadCount.current;
    on.current.started(loadId);
    let mounted = true;
    let retry: ReturnType<typeof setTimeout> | undefined;
    load().then(
      (value) => {
        if (mounted) on.current.loaded(loadId, value);
      },
      (error: unknown) => {
        on.current.failed(loadId, error);
        if (!mounted) return;
        retry = setTimeout(() => setAttempt((count) => count + 1), retryMs);
      },
    );
    return () => {
      mounted = false;
      clearTimeout(retry);
    };
  }, [status, load, retryMs, attempt]);

  return useCallback(() => setAttempt((count) => count + 1), []);
}
