import { useEffect, useId, useState } from 'react';
import type { PersonSummary } from '@chat/conversation';
import { ApiError } from '../api/api-error.js';
import { addRoomMember, searchPeople } from '../api/conversations.js';

/** How long typing may pause before the directory of people is asked. */
const SEARCH_DELAY_MS = 200;

export interface AddPeopleProps {
  roomId: string;
  roomName: string;
  meId: string;
  fetchFn: typeof fetch;
  onClose: () => void;
  onUnauthorized: () => void;
}

/** "Add people" to a private room: names from GET /api/people?q=, one click adds. */
export function AddPeople({
  roomId,
  roomName,
  meId,
  fetchFn,
  onClose,
  onUnauthorized,
}: AddPeopleProps) {
  const inputId = useId();
  const resultsId = useId();
  const [query, setQuery] = useState('');
  const [people, setPeople] = useState<readonly PersonSummary[]>([]);
  const [outcome, setOutcome] = useState<string | undefined>(undefined);
  const [added, setAdded] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    let current = true;
    const timer = setTimeout(() => {
      searchPeople(query.trim(), fetchFn).then(
        (found) => {
          if (current) setPeople(found.filter((person) => person.id !== meId));
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
          if (current) setOutcome('People could not be listed.');
        },
      );
    }, SEARCH_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [query, fetchFn, meId, onUnauthorized]);

  const add = (person: PersonSummary) => {
    setOutcome(`Adding ${person.name}…`);
    addRoomMember(roomId, person.id, fetchFn).then(
      () => {
        setAdded((current) => new Set(current).add(person.id));
        setOutcome(`${person.name} was added to #${roomName}.`);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
        const reason = error instanceof ApiError ? error.message : 'Something went wrong.';
        setOutcome(`${person.name} could not be added: ${reason}`);
      },
    );
  };

  return (
    <section className="add-people" aria-label={`Add people to #${roomName}`}>
      <label htmlFor={inputId}>Name</label>
      <input
        id={inputId}
        className="input"
        type="search"
        autoComplete="off"
        value={query}
        aria-controls={resultsId}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ul id={resultsId} className="add-people__results" aria-label="People">
        {people.map((person) => (
          <li key={person.id}>
            <button
              type="button"
              className="button button--small button--quiet"
              disabled={added.has(person.id)}
              onClick={() => add(person)}
            >
              Add {person.name}
            </button>
          </li>
        ))}
      </ul>
      <p className="add-people__outcome" aria-live="polite">
        {outcome}
      </p>
      <button type="button" className="button button--small" onClick={onClose}>
        Done
      </button>
    </section>
  );
}
