import { MAX_MESSAGE_LENGTH } from '@chat/message';
import { useId, useState, type FormEvent, type KeyboardEvent, type Ref } from 'react';

/** The counter appears only when it starts to matter. */
export const COUNTER_THRESHOLD = 1800;

/** The API counts Unicode code points of the trimmed text; so does the counter. */
export function messageLength(text: string): number {
  let length = 0;
  for (const _ of text.trim()) length += 1;
  return length;
}

const numberFormat = new Intl.NumberFormat('en');

export interface ComposerProps {
  /** False while not connected: a message sent now could not be confirmed. */
  canSend: boolean;
  /** Where it goes, for the placeholder: "#general", "bob". */
  placeholder: string;
  onSend: (text: string) => void;
  textareaRef?: Ref<HTMLTextAreaElement>;
  /** The text changed and is not empty: the person is typing (the caller throttles). */
  onTyping?: () => void;
}

export function Composer({ canSend, placeholder, onSend, textareaRef, onTyping }: ComposerProps) {
  const [text, setText] = useState('');
  const counterId = useId();
  const hintId = useId();
  const length = messageLength(text);
  const tooLong = length > MAX_MESSAGE_LENGTH;
  const sendable = canSend && length > 0 && !tooLong;

  const submit = () => {
    if (!sendable) return;
    onSend(text.trim());
    setText('');
  };

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter while an IME is composing confirms the composition, it must not send.
    if (event.key !== 'Enter' || event.shiftKey || event.nativeEvent.isComposing) return;
    event.preventDefault();
    submit();
  };

  const describedBy = [length > COUNTER_THRESHOLD ? counterId : '', canSend ? '' : hintId]
    .filter(Boolean)
    .join(' ');

  return (
    <form className="composer" onSubmit={handleSubmit} aria-label="Send a message">
      <div className="composer__row">
        <label className="visually-hidden" htmlFor={`${counterId}-input`}>
          Message
        </label>
        <textarea
          id={`${counterId}-input`}
          ref={textareaRef}
          className="composer__input"
          rows={2}
          placeholder={placeholder}
          value={text}
          onChange={(event) => {
            const value = event.target.value;
            setText(value);
            if (value.trim() !== '' && value !== text) onTyping?.();
          }}
          onKeyDown={handleKeyDown}
          aria-describedby={describedBy || undefined}
          aria-invalid={tooLong || undefined}
        />
        <button type="submit" className="button composer__send" disabled={!sendable}>
          Send
        </button>
      </div>
      <div className="composer__footer">
        {canSend ? (
          <span className="composer__hint">Enter to send, Shift+Enter for a new line</span>
        ) : (
          <span className="composer__hint composer__hint--offline" id={hintId}>
            Not connected: sending is paused.
          </span>
        )}
        {length > COUNTER_THRESHOLD ? (
          <span
            id={counterId}
            className={`composer__counter${tooLong ? ' composer__counter--over' : ''}`}
            aria-live="polite"
          >
            {numberFormat.format(length)} / {numberFormat.format(MAX_MESSAGE_LENGTH)}
            {tooLong ? ` (${numberFormat.format(length - MAX_MESSAGE_LENGTH)} too many)` : ''}
          </span>
        ) : null}
      </div>
    </form>
  );
}
