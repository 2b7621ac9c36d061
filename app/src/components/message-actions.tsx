import { useRef, useState, type KeyboardEvent, type Ref } from 'react';

export interface MessageActionsProps {
  /** Whose message: "Actions for bob's message". */
  senderName: string;
  own: boolean;
  onReply: () => void;
  onReact: () => void;
  onEdit: () => void;
  onDelete: () => void;
  /** The React button, to give the focus back when the emoji picker closes. */
  reactButtonRef?: Ref<HTMLButtonElement>;
  reactExpanded: boolean;
  reactControls?: string;
}

/**
 * The small toolbar a message shows on hover or focus. One tab stop (the ARIA toolbar
 * pattern): Left/Right, Home/End move between its buttons, so tabbing through a timeline does
 * not stop at every button of every message.
 */
export function MessageActions(props: MessageActionsProps) {
  const [active, setActive] = useState(0);
  const toolbarRef = useRef<HTMLDivElement>(null);
  const buttons: { label: string; text: string; onClick: () => void }[] = [
    { label: 'Reply', text: 'Reply', onClick: props.onReply },
    { label: 'React', text: 'React', onClick: props.onReact },
    ...(props.own
      ? [
          { label: 'Edit', text: 'Edit', onClick: props.onEdit },
          { label: 'Delete', text: 'Delete', onClick: props.onDelete },
        ]
      : []),
  ];
  const current = Math.min(active, buttons.length - 1);

  const handleKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, number> = {
      ArrowRight: current + 1,
      ArrowLeft: current - 1,
      Home: 0,
      End: buttons.length - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = (target + buttons.length) % buttons.length;
    setActive(next);
    toolbarRef.current?.querySelectorAll('button')[next]?.focus();
  };

  return (
    <div
      ref={toolbarRef}
      className="message__actions"
      role="toolbar"
      aria-label={`Actions for ${props.own ? 'your' : `${props.senderName}’s`} message`}
      onKeyDown={handleKeyDown}
    >
      {buttons.map((button, index) => (
        <button
          key={button.label}
          ref={button.label === 'React' ? props.reactButtonRef : undefined}
          type="button"
          className="message__action"
          tabIndex={index === current ? 0 : -1}
          onFocus={() => setActive(index)}
          onClick={button.onClick}
          {...(button.label === 'React'
            ? {
                'aria-expanded': props.reactExpanded,
                ...(props.reactControls ? { 'aria-controls': props.reactControls } : {}),
              }
            : {})}
        >
          {button.text}
        </button>
      ))}
    </div>
  );
}
