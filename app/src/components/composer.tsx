import { MAX_MENTIONS, MAX_MESSAGE_LENGTH, type ChatMessage, type Mention } from '@chat/message';
import {
  useCallback,
  useEffect,
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
  type Ref,
} from 'react';
import type { PersonSummary } from '@chat/conversation';
import {
  insertMention,
  mentionAt,
  mentionsIn,
  type MentionQuery,
} from '../mentions/mention-query.js';
import type { MentionSource } from '../mentions/mention-source.js';

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
  /** The text, and the people picked from the `@` list whose `@Name` it still contains. */
  onSend: (text: string, mentions?: Mention[]) => void;
  textareaRef?: Ref<HTMLTextAreaElement>;
  /** The text changed and is not empty: the person is typing (the caller throttles). */
  onTyping?: () => void;
  /** The message being answered: shown as "Replying to bob" with a way to cancel. */
  replyingTo?: ChatMessage;
  onCancelReply?: () => void;
  /** Who `@` offers; without it typing `@` offers nobody. */
  mentionSource?: MentionSource;
  /** ArrowUp in the empty box: edit one's last message (as in Slack and Element). */
  onEditLast?: () => void;
}

function hasModifier(event: KeyboardEvent): boolean {
  return event.shiftKey || event.altKey || event.ctrlKey || event.metaKey;
}

/** How long typing may pause before the people matching an `@query` are asked for. */
export const MENTION_SEARCH_DELAY_MS = 120;

interface Picker {
  at: MentionQuery;
  options: readonly PersonSummary[];
  active: number;
}

/**
 * The message box. Typing `@` opens a list of the people who can be mentioned here (the
 * ARIA pattern of a combobox's listbox, on the textarea itself: arrows move, Enter or Tab picks,
 * Escape closes), and picking one inserts `@Name ` and remembers their id.
 */
export function Composer({
  canSend,
  placeholder,
  onSend,
  textareaRef,
  onTyping,
  replyingTo,
  onCancelReply,
  mentionSource,
  onEditLast,
}: ComposerProps) {
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<readonly Mention[]>([]);
  const [picker, setPicker] = useState<Picker | undefined>(undefined);
  /** Where the `@` of a list closed with Escape is: it stays closed until another `@`. */
  const dismissedAt = useRef<number | undefined>(undefined);
  const searches = useRef(0);
  const caretAfterRender = useRef<number | undefined>(undefined);
  const inputRef = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(textareaRef, () => inputRef.current as HTMLTextAreaElement, []);
  const counterId = useId();
  const hintId = useId();
  const listboxId = useId();
  const length = messageLength(text);
  const tooLong = length > MAX_MESSAGE_LENGTH;
  const sendable = canSend && length > 0 && !tooLong;
  const open = picker !== undefined && picker.options.length > 0;

  /** Follows the caret: a `@query` before it asks for the matching people (debounced). */
  const [query, setQuery] = useState<MentionQuery | undefined>(undefined);
  const follow = useCallback((value: string, caret: number) => {
    const at = mentionAt(value, caret);
    if (at?.start !== dismissedAt.current) dismissedAt.current = undefined;
    setQuery((current) =>
      current?.start === at?.start && current?.query === at?.query ? current : at,
    );
  }, []);

  useEffect(() => {
    if (!query || !mentionSource || dismissedAt.current === query.start) {
      setPicker(undefined);
      return;
    }
    const search = ++searches.current;
    const timer = setTimeout(() => {
      mentionSource(query.query).then(
        (options) => {
          if (search !== searches.current) return;
          setPicker({ at: query, options, active: 0 });
        },
        () => {
          if (search === searches.current) setPicker(undefined);
        },
      );
    }, MENTION_SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [query, mentionSource]);

  const close = () => {
    searches.current += 1;
    setPicker(undefined);
  };

  const pick = (person: PersonSummary) => {
    if (!picker) return;
    const next = insertMention(text, picker.at, person.name);
    setText(next.text);
    setPicked((current) =>
      current.some((mention) => mention.id === person.id)
        ? current
        : [...current, { id: person.id, name: person.name }],
    );
    close();
    setQuery(undefined);
    caretAfterRender.current = next.caret;
  };

  // The caret goes after an inserted name as soon as React has put the new text in.
  useLayoutEffect(() => {
    const caret = caretAfterRender.current;
    const input = inputRef.current;
    if (caret === undefined || !input) return;
    caretAfterRender.current = undefined;
    input.focus();
    input.setSelectionRange(caret, caret);
  }, [text]);

  const submit = () => {
    if (!sendable) return;
    const trimmed = text.trim();
    const mentions = mentionsIn(trimmed, picked).slice(0, MAX_MENTIONS);
    if (mentions.length > 0) onSend(trimmed, mentions);
    else onSend(trimmed);
    setText('');
    setPicked([]);
    close();
    setQuery(undefined);
  };

  const handleSubmit = (event: FormEvent) => {
    event.preventDefault();
    submit();
  };

  const handleKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.nativeEvent.isComposing) return;
    if (open) {
      const count = picker.options.length;
      const move = (by: number) =>
        setPicker({ ...picker, active: (picker.active + by + count) % count });
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        move(event.key === 'ArrowDown' ? 1 : -1);
        return;
      }
      if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
        const person = picker.options[picker.active];
        if (person) {
          event.preventDefault();
          pick(person);
          return;
        }
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        dismissedAt.current = picker.at.start;
        close();
        return;
      }
    }
    if (event.key === 'ArrowUp' && text === '' && onEditLast && !hasModifier(event)) {
      event.preventDefault();
      onEditLast();
      return;
    }
    if (event.key === 'Escape' && replyingTo && onCancelReply) {
      event.preventDefault();
      onCancelReply();
      return;
    }
    // Enter while an IME is composing confirms the composition, it must not send.
    if (event.key !== 'Enter' || event.shiftKey) return;
    event.preventDefault();
    submit();
  };

  const describedBy = [length > COUNTER_THRESHOLD ? counterId : '', canSend ? '' : hintId]
    .filter(Boolean)
    .join(' ');
  const optionId = (index: number) => `${listboxId}-${index}`;

  return (
    <form className="composer" onSubmit={handleSubmit} aria-label="Send a message">
      {replyingTo ? (
        <div className="composer__reply">
          <span className="composer__reply-text">
            Replying to <strong>{replyingTo.sender.name}</strong>
          </span>
          <button
            type="button"
            className="button button--quiet button--small"
            aria-label={`Cancel reply to ${replyingTo.sender.name}`}
            onClick={onCancelReply}
          >
            Cancel
          </button>
        </div>
      ) : null}
      {open ? (
        <ul className="mention-picker" id={listboxId} role="listbox" aria-label="People to mention">
          {picker.options.map((person, index) => (
            <li
              key={person.id}
              id={optionId(index)}
              role="option"
              aria-selected={index === picker.active}
              className={`mention-picker__option${index === picker.active ? ' mention-picker__option--active' : ''}`}
              // Keeps the focus (and the caret) in the message box.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(person)}
            >
              {person.name}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="composer__row">
        <label className="visually-hidden" htmlFor={`${counterId}-input`}>
          Message
        </label>
        <textarea
          id={`${counterId}-input`}
          ref={inputRef}
          className="composer__input"
          rows={2}
          placeholder={placeholder}
          value={text}
          onChange={(event) => {
            const value = event.target.value;
            setText(value);
            follow(value, event.target.selectionStart);
            if (value.trim() !== '' && value !== text) onTyping?.();
          }}
          onSelect={(event) =>
            follow(event.currentTarget.value, event.currentTarget.selectionStart)
          }
          onKeyDown={handleKeyDown}
          // Leaving the box closes the list (picking with the mouse keeps the focus here).
          onBlur={close}
          aria-autocomplete={mentionSource ? 'list' : undefined}
          aria-controls={open ? listboxId : undefined}
          aria-activedescendant={open ? optionId(picker.active) : undefined}
          aria-describedby={describedBy || undefined}
          aria-invalid={tooLong || undefined}
        />
        <button type="submit" className="button composer__send" disabled={!sendable}>
          Send
        </button>
      </div>
      <div className="composer__footer">
        {canSend ? (
          <span className="composer__hint">
            Enter to send, Shift+Enter for a new line
            {onEditLast ? ', ↑ to edit your last message' : ''}
          </span>
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
