import { TYPING_THROTTLE_MS } from '@chat/message';

export interface TypingThrottleOptions {
  /** Sends one `typing` invocation; false when it could not go out (not connected). */
  send: () => boolean;
  intervalMs?: number;
  now?: () => number;
}

/**
 * "I am typing", at most once per interval (leading edge: the first keystroke is announced at
 * once, the following ones within the interval are not). A send that could not go out does
 * not count, so the next keystroke after a reconnect announces again. One throttle per
 * conversation, so that starting to write in another one is announced at once.
 */
export function createTypingThrottle({
  send,
  intervalMs = TYPING_THROTTLE_MS,
  now = () => Date.now(),
}: TypingThrottleOptions): () => void {
  let lastSentAt: number | undefined;
  return () => {
    const at = now();
    if (lastSentAt !== undefined && at - lastSentAt < intervalMs) return;
    if (send()) lastSentAt = at;
  };
}
