import { useId } from 'react';
import type { Reaction } from '@chat/message';

/** "you, bob and 3 others": who reacted, as far as the message lists them. */
export function reactorsText(reaction: Reaction, meId: string): string {
  const names = reaction.people.map((person) => (person.id === meId ? 'you' : person.name));
  const others = reaction.count - reaction.people.length;
  if (others > 0) names.push(others === 1 ? '1 other' : `${others} others`);
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

function ReactionButton(props: {
  reaction: Reaction;
  meId: string;
  disabled: boolean;
  onToggle: (emoji: string) => void;
}) {
  const { reaction, meId } = props;
  const whoId = useId();
  const mine = reaction.people.some((person) => person.id === meId);
  const who = `${reactorsText(reaction, meId)} reacted with ${reaction.emoji}`;
  return (
    <li className="reaction">
      <button
        type="button"
        className={`reaction__button${mine ? ' reaction__button--mine' : ''}`}
        aria-pressed={mine}
        aria-describedby={whoId}
        title={who}
        disabled={props.disabled}
        onClick={() => props.onToggle(reaction.emoji)}
      >
        <span className="reaction__emoji">{reaction.emoji}</span>{' '}
        <span className="reaction__count">{reaction.count}</span>
      </button>
      {/* Shown on keyboard focus, where a title never appears. */}
      <span className="reaction__who" id={whoId}>
        {who}
      </span>
    </li>
  );
}

/** Under a message: each emoji with its count, one's own pressed; a click toggles one's own. */
export function Reactions(props: {
  reactions: readonly Reaction[];
  meId: string;
  /** False for a message one cannot react to (not sent yet). */
  canReact: boolean;
  onToggle: (emoji: string) => void;
}) {
  return (
    <ul className="reactions" aria-label="Reactions">
      {props.reactions.map((reaction) => (
        <ReactionButton
          key={reaction.emoji}
          reaction={reaction}
          meId={props.meId}
          disabled={!props.canReact}
          onToggle={props.onToggle}
        />
      ))}
    </ul>
  );
}
