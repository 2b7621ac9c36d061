import { describeTypists, type Typist } from '../presence/typing-notices.js';

/**
 * "bob is typing…" under the timeline. A polite live region that is always present (an
 * element inserted together with its text is often not announced), with no `status` role:
 * the connection status is the page's one status.
 */
export function TypingIndicator({ typists }: { typists: readonly Typist[] }) {
  return (
    <div className="typing-indicator" aria-live="polite" aria-atomic="true">
      {describeTypists(typists)}
    </div>
  );
}
