import { useEffect, useId, useRef, useState } from 'react';
import type { ChatMessage } from '@chat/message';
import { FormattedText } from '../formatting/formatted-text.js';
import { hasReacted, type TimelineEntry } from '../timeline/timeline.js';
import { DeleteConfirm } from './delete-confirm.js';
import { MessageActions } from './message-actions.js';
import { MessageEditor } from './message-editor.js';
import { ReactionPicker } from './reaction-picker.js';
import { Reactions } from './reactions.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** Whether the clock has passed `at` (always true without one); re-renders once when it does. */
function useTimePassed(at: number | undefined): boolean {
  const [passed, setPassed] = useState(() => at === undefined || Date.now() >= at);
  useEffect(() => {
    if (at === undefined || Date.now() >= at) {
      setPassed(true);
      return;
    }
    setPassed(false);
    const timer = setTimeout(() => setPassed(true), at - Date.now());
    return () => clearTimeout(timer);
  }, [at]);
  return passed;
}

/** What people can do to a sent message; each promise rejects with an Error to show. */
export interface MessageActionHandlers {
  onReply: (message: ChatMessage) => void;
  /** Activating a reply's quote: bring the original into view. */
  onJumpTo: (messageId: string) => void;
  onToggleReaction: (messageId: string, emoji: string) => Promise<void>;
  onEdit: (messageId: string, text: string) => Promise<void>;
  onDelete: (messageId: string) => Promise<void>;
}

export interface MessageItemProps {
  entry: TimelineEntry;
  meId: string;
  /** Activating a sender's name: open the direct conversation with them. */
  onSelectSender: (sender: { id: string; name: string }) => void;
  onRetry: (id: string) => void;
  /** Without them the message is shown only (no toolbar, reactions not clickable). */
  actions?: MessageActionHandlers;
  /** Just jumped to (from a reply's quote): marked for a moment. */
  highlighted?: boolean;
  /** Changes each time the editor should open (ArrowUp in the empty composer). */
  editRequest?: number;
  /** Where the focus goes when an editor opened by `editRequest` closes (the composer). */
  onRequestedEditDone?: () => void;
}

type Mode = 'view' | 'edit' | 'confirm-delete';

/** The quote of the message a reply answers; activating it shows the original. */
function ReplyQuoteButton({
  message,
  onJumpTo,
}: {
  message: ChatMessage;
  onJumpTo: ((id: string) => void) | undefined;
}) {
  const reply = message.replyTo;
  if (!reply) return null;
  const quote = reply.deleted ? 'Original message deleted' : reply.quote;
  return (
    <button
      type="button"
      className={`message__quote${reply.deleted ? ' message__quote--deleted' : ''}`}
      aria-label={`In reply to ${reply.sender.name}: ${quote}`}
      title="Show the original message"
      disabled={!onJumpTo}
      onClick={() => onJumpTo?.(reply.id)}
    >
      <span className="message__quote-sender">{reply.sender.name}</span>
      {reply.deleted ? (
        <span className="message__quote-text">{quote}</span>
      ) : (
        <FormattedText className="message__quote-text" text={quote} inline />
      )}
    </button>
  );
}

/** One message. Its text is formatted by FormattedText from React elements, never HTML. */
export function MessageItem({
  entry,
  meId,
  onSelectSender,
  onRetry,
  actions,
  highlighted = false,
  editRequest,
  onRequestedEditDone,
}: MessageItemProps) {
  const { message, delivery, failure } = entry;
  const own = message.sender.id === meId;
  const canRetry = useTimePassed(failure?.retryAt);
  const [mode, setMode] = useState<Mode>('view');
  const [picking, setPicking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const itemRef = useRef<HTMLLIElement>(null);
  const reactButtonRef = useRef<HTMLButtonElement>(null);
  const pickerId = useId();
  const sentAt = new Date(message.sentAt);
  const deleted = message.deleted === true;
  const canAct = actions !== undefined && delivery === 'sent' && !deleted;
  const classes = [
    'message',
    own ? 'message--own' : 'message--other',
    `message--${delivery}`,
    deleted ? 'message--deleted' : '',
    highlighted ? 'message--highlighted' : '',
  ]
    .filter(Boolean)
    .join(' ');

  const canEdit = canAct && own;
  const requestedEdit = useRef(false);
  useEffect(() => {
    if (editRequest === undefined || !canEdit) return;
    requestedEdit.current = true;
    setPicking(false);
    setMode('edit');
  }, [editRequest, canEdit]);

  // Deleted elsewhere while being edited or confirmed: nothing is left to act on.
  useEffect(() => {
    if (deleted) {
      setMode('view');
      setPicking(false);
    }
  }, [deleted]);

  const run = (what: Promise<void>, after?: () => void) => {
    setBusy(true);
    setProblem(undefined);
    what.then(
      () => {
        setBusy(false);
        after?.();
      },
      (error: unknown) => {
        setBusy(false);
        setProblem(error instanceof Error ? error.message : 'Something went wrong.');
      },
    );
  };

  const toggleReaction = (emoji: string) => {
    if (actions) run(actions.onToggleReaction(message.id, emoji));
  };

  const closePicker = () => {
    setPicking(false);
    reactButtonRef.current?.focus();
  };

  const backToMessage = () => {
    setMode('view');
    if (requestedEdit.current && onRequestedEditDone) onRequestedEditDone();
    else itemRef.current?.focus();
    requestedEdit.current = false;
  };

  return (
    <li className={classes} data-message-id={message.id} ref={itemRef} tabIndex={-1}>
      <ReplyQuoteButton message={message} onJumpTo={actions?.onJumpTo} />
      <div className="message__meta">
        {own ? (
          <span className="message__sender">{message.sender.name}</span>
        ) : (
          <button
            type="button"
            className="message__sender message__sender--button"
            title={`Write to ${message.sender.name} directly`}
            onClick={() => onSelectSender(message.sender)}
          >
            {message.sender.name}
          </button>
        )}
        <time className="message__time" dateTime={message.sentAt} title={fullFormat.format(sentAt)}>
          {timeFormat.format(sentAt)}
        </time>
        {message.editedAt && !deleted ? (
          <span
            className="message__edited"
            title={`Edited ${fullFormat.format(new Date(message.editedAt))}`}
          >
            (edited)
          </span>
        ) : null}
      </div>
      {mode === 'edit' && actions ? (
        <MessageEditor
          initialText={message.text}
          onSave={(text) => actions.onEdit(message.id, text).then(backToMessage)}
          onCancel={backToMessage}
        />
      ) : deleted ? (
        <p className="message__text message__text--deleted">This message was deleted</p>
      ) : (
        <FormattedText
          className="message__text"
          text={message.text}
          {...(message.mentions ? { mentions: message.mentions } : {})}
          ownId={meId}
        />
      )}
      {message.reactions && message.reactions.length > 0 && !deleted ? (
        <Reactions
          reactions={message.reactions}
          meId={meId}
          canReact={canAct && !busy}
          onToggle={toggleReaction}
        />
      ) : null}
      {mode === 'confirm-delete' && actions ? (
        <DeleteConfirm
          busy={busy}
          onConfirm={() => run(actions.onDelete(message.id), backToMessage)}
          onCancel={backToMessage}
        />
      ) : null}
      {problem ? (
        <p className="message__delivery message__delivery--failed" role="alert">
          {problem}
        </p>
      ) : null}
      {delivery === 'pending' ? <p className="message__delivery">Sending…</p> : null}
      {delivery === 'failed' ? (
        <div className="message__delivery message__delivery--failed" role="alert">
          <span>Failed. {failure?.reason}</span>
          <button
            type="button"
            className="button button--small"
            disabled={!canRetry}
            onClick={() => onRetry(message.id)}
          >
            Retry
          </button>
        </div>
      ) : null}
      {canAct && mode === 'view' ? (
        <MessageActions
          senderName={message.sender.name}
          own={own}
          onReply={() => actions.onReply(message)}
          onReact={() => setPicking((value) => !value)}
          onEdit={() => {
            requestedEdit.current = false;
            setPicking(false);
            setMode('edit');
          }}
          onDelete={() => {
            setPicking(false);
            setMode('confirm-delete');
          }}
          reactButtonRef={reactButtonRef}
          reactExpanded={picking}
          {...(picking ? { reactControls: pickerId } : {})}
        />
      ) : null}
      {canAct && picking ? (
        <ReactionPicker
          id={pickerId}
          onPick={(emoji) => {
            // Picking adds: a reaction that is already one's own stays (its button removes it).
            if (!hasReacted(message, emoji, meId)) toggleReaction(emoji);
          }}
          onClose={closePicker}
        />
      ) : null}
    </li>
  );
}
