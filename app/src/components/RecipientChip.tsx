import type { Recipient } from '../timeline/useTimeline.js';

/** "To bob ×": the private recipient of the next message, removable by click or keyboard. */
export function RecipientChip({
  recipient,
  onRemove,
}: {
  recipient: Recipient;
  onRemove: () => void;
}) {
  return (
    <span className="recipient-chip">
      <span className="recipient-chip__label">
        To <strong>{recipient.name}</strong> (private)
      </span>
      <button
        type="button"
        className="recipient-chip__remove"
        aria-label={`Remove recipient ${recipient.name}`}
        title="Send to everyone instead"
        onClick={onRemove}
      >
        ×
      </button>
    </span>
  );
}
