import { useId, useState } from 'react';
import type { PersonSummary } from '@chat/conversation';
import type { OnlinePerson } from '@chat/message';
import { sortedPeople } from '../presence/online-people.js';

export interface OnlineListProps {
  /** Everyone online as presence knows it. */
  people: readonly OnlinePerson[];
  me: { id: string; name: string };
  /** While not connected the list cannot be kept up to date, and says so. */
  connected: boolean;
  /** Activating someone's name: open the direct conversation with them (oneself: notes). */
  onSelect: (person: PersonSummary) => void;
}

/**
 * "Online": everyone connected, oneself marked, by name. A side panel on wide screens; on
 * narrow ones a collapsible block above the timeline (the toggle only shows there, by CSS).
 */
export function OnlineList({ people, me, connected, onSelect }: OnlineListProps) {
  const headingId = useId();
  const listId = useId();
  const [expanded, setExpanded] = useState(false);
  // While connected I am online whatever the last list said (it may predate my connection).
  const everyone =
    connected && !people.some((person) => person.id === me.id)
      ? sortedPeople([...people, { id: me.id, name: me.name, since: '' }])
      : people;

  return (
    <section
      className={`online${expanded ? '' : ' online--collapsed'}`}
      aria-labelledby={headingId}
    >
      <div className="online__header">
        <h2 id={headingId} className="online__title">
          Online
        </h2>
        <span className="online__count">{everyone.length}</span>
        <button
          type="button"
          className="button button--quiet button--small online__toggle"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded((value) => !value)}
        >
          {expanded ? 'Hide' : 'Show'}
        </button>
      </div>
      <ul id={listId} className="online__list" aria-labelledby={headingId}>
        {everyone.map((person) => (
          <li key={person.id} className="online__item">
            <button
              type="button"
              className={`online__person online__person--button${
                person.id === me.id ? ' online__person--me' : ''
              }`}
              title={person.id === me.id ? 'Notes to self' : `Write to ${person.name} directly`}
              onClick={() => onSelect({ id: person.id, name: person.name })}
            >
              {person.id === me.id ? `${person.name} (you)` : person.name}
            </button>
          </li>
        ))}
      </ul>
      {connected ? null : (
        <p className="online__stale">May be out of date until the connection is back.</p>
      )}
    </section>
  );
}
