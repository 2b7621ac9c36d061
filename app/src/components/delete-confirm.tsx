import { useEffect, useRef } from 'react';

export interface DeleteConfirmProps {
  /** The delete is on its way: both buttons wait. */
  busy: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}

/**
 * "Delete this message for everyone?" under the message, as Slack and Element ask: the focus
 * goes to the confirming button (Enter deletes), Escape or Cancel keep the message.
 */
export function DeleteConfirm({ busy, onConfirm, onCancel }: DeleteConfirmProps) {
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => confirmRef.current?.focus(), []);
  return (
    <div
      className="message__confirm"
      role="group"
      aria-label="Delete this message?"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !busy) onCancel();
      }}
    >
      <span>Delete this message for everyone?</span>
      <button
        ref={confirmRef}
        type="button"
        className="button button--small button--danger"
        disabled={busy}
        onClick={onConfirm}
      >
        {busy ? 'Deleting…' : 'Delete message'}
      </button>
      <button
        type="button"
        className="button button--quiet button--small"
        disabled={busy}
        onClick={onCancel}
      >
        Cancel
      </button>
    </div>
  );
}
