import { TYPING_THROTTLE_MS, type TypingRequest } from '@chat/message';

export interface TypingThrottleOptions {
  /** Sends one `typing` invocation; false when it could not go out (not connected). */
  send: (request: TypingRequest) => boolean;
  intervalMs?: number;
  now?: () => number;
}

/**
 * "I am typing", at most once per interval (leading edge: the first keystroke is announced at
 * once, the following ones within the interval are not). A send that could not go out does
 * not count, so the next keystroke after a reconnect announces again.
 */
export function createTypingThrottle({
  send,
  intervalMs = TYPING_THROTTLE_MS,
  now = () => Date.now(),
}: TypingThrottleOptions): (recipient?: string) => void {
  let lastSentAt: number | undefined;
  return (recipient) => {
    const at = now();
    if (lastSentAt !== undefined && at - lastSentAt < intervalMs) return;
    if (send(recipient === undefined ? {} : { recipient })) lastSentAt = at;
  };
}
