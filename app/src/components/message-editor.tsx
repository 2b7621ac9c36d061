import { MAX_MESSAGE_LENGTH } from '@chat/message';
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { messageLength } from './composer.js';

export interface MessageEditorProps {
  initialText: string;
  /** Resolves when saved; rejects with an Error whose message says why not. */
  onSave: (text: string) => Promise<void>;
  onCancel: () => void;
}

/** Inline editing of one's own message: Enter saves, Shift+Enter adds a line, Escape cancels. */
export function MessageEditor({ initialText, onSave, onCancel }: MessageEditorProps) {
  const [text, setText] = useState(initialText);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const inputId = useId();
  const problemId = useId();

  useEffect(() => {
    const input = inputRef.current;
    if (!input) return;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  }, []);

  const save = () => {
    if (saving) return;
    const trimmed = text.trim();
    const length = messageLength(trimmed);
    if (length === 0) {
      setProblem('A message cannot be empty: delete it instead.');
      return;
    }
    if (length > MAX_MESSAGE_LENGTH) {
      setProblem(`At most ${MAX_MESSAGE_LENGTH} characters.`);
      return;
    }
    if (trimmed === initialText) {
      onCancel();
      return;
    }
    setSaving(true);
    setProblem(undefined);
    onSave(trimmed).then(
      () => undefined,
      (error: unknown) => {
        setSaving(false);
        setProblem(error instanceof Error ? error.message : 'Not saved.');
      },
    );
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (event.key === 'Escape') {
      event.preventDefault();
      onCancel();
    } else if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      save();
    }
  };

  return (
    <div className="message-editor">
      <label htmlFor={inputId} className="visually-hidden">
        Edit message
      </label>
      <textarea
        id={inputId}
        ref={inputRef}
        className="composer__input message-editor__input"
        rows={2}
        value={text}
        readOnly={saving}
        aria-invalid={problem ? true : undefined}
        aria-describedby={problem ? problemId : undefined}
        onChange={(event) => {
          setText(event.target.value);
          setProblem(undefined);
        }}
        onKeyDown={handleKeyDown}
      />
      <div className="message-editor__footer">
        <span className="composer__hint">Enter to save, Escape to cancel</span>
        <button type="button" className="button button--small" disabled={saving} onClick={save}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="button button--quiet button--small"
          disabled={saving}
          onClick={onCancel}
        >
          Cancel
        </button>
      </div>
      {problem ? (
        <p id={problemId} className="message__delivery message__delivery--failed" role="alert">
          {problem}
        </p>
      ) : null}
    </div>
  );
}
