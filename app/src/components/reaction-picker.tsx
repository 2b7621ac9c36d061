import { normalizeEmoji } from '@chat/message';
import { useEffect, useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';

/** The quick set, as in Slack and Element: the reactions people use most. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '😮', '👀'] as const;

export interface ReactionPickerProps {
  id: string;
  onPick: (emoji: string) => void;
  /** Escape, or a pick: the caller gives the focus back to its React button. */
  onClose: () => void;
}

/** The quick reactions, and a box that takes any one emoji (typed or from the system picker). */
export function ReactionPicker({ id, onPick, onClose }: ReactionPickerProps) {
  const [custom, setCustom] = useState('');
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const firstRef = useRef<HTMLButtonElement>(null);
  const inputId = useId();
  const problemId = useId();
  useEffect(() => firstRef.current?.focus(), []);

  const pick = (emoji: string) => {
    onPick(emoji);
    onClose();
  };

  const submitCustom = (event: FormEvent) => {
    event.preventDefault();
    // In the form reactions are counted by ("❤" is the "❤️" others picked).
    const emoji = normalizeEmoji(custom.trim());
    if (emoji === undefined) {
      setProblem('Type a single emoji.');
      return;
    }
    pick(emoji);
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    event.stopPropagation();
    onClose();
  };

  return (
    <div
      className="reaction-picker"
      id={id}
      role="group"
      aria-label="Add a reaction"
      onKeyDown={handleKeyDown}
    >
      <div className="reaction-picker__quick">
        {QUICK_REACTIONS.map((emoji, index) => (
          <button
            key={emoji}
            ref={index === 0 ? firstRef : undefined}
            type="button"
            className="reaction-picker__emoji"
            aria-label={`React with ${emoji}`}
            title={`React with ${emoji}`}
            onClick={() => pick(emoji)}
          >
            {emoji}
          </button>
        ))}
      </div>
      <form className="reaction-picker__custom" onSubmit={submitCustom}>
        <label htmlFor={inputId} className="visually-hidden">
          Any emoji
        </label>
        <input
          id={inputId}
          className="input reaction-picker__input"
          placeholder="Any emoji"
          autoComplete="off"
          maxLength={32}
          value={custom}
          aria-invalid={problem ? true : undefined}
          aria-describedby={problem ? problemId : undefined}
          onChange={(event) => {
            setCustom(event.target.value);
            setProblem(undefined);
          }}
        />
        <button type="submit" className="button button--small">
          Add
        </button>
        {problem ? (
          <span id={problemId} className="reaction-picker__problem" role="alert">
            {problem}
          </span>
        ) : null}
      </form>
    </div>
  );
}
