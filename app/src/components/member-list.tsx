import { useEffect, useState } from 'react';
import type { PersonSummary } from '@chat/conversation';
import { ApiError } from '../api/api-error.js';
import { fetchRoomMembers } from '../api/conversations.js';
import { describeActionError } from '../api/describe-error.js';

export interface MemberListProps {
  id: string;
  roomId: string;
  roomName: string;
  meId: string;
  fetchFn: typeof fetch;
  /** Who is online now (a dot beside their name). */
  onlineIds: ReadonlySet<string>;
  /** A name activated: open the direct conversation with them (oneself: notes). */
  onSelect: (person: PersonSummary) => void;
  /** How many members the room has, each time the list arrives. */
  onCount: (count: number) => void;
  onUnauthorized: () => void;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });

function byName(people: readonly PersonSummary[]): PersonSummary[] {
  return [...people].sort(
    (a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

/**
 * A room's members (GET /api/rooms/{id}/members), by name, each a way to write to them directly.
 * Mounted each time it is opened, so it reads the list afresh: people join and leave.
 */
export function MemberList({
  id,
  roomId,
  roomName,
  meId,
  fetchFn,
  onlineIds,
  onSelect,
  onCount,
  onUnauthorized,
}: MemberListProps) {
  const [members, setMembers] = useState<readonly PersonSummary[] | 'loading' | { failed: string }>(
    'loading',
  );
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    setMembers('loading');
    fetchRoomMembers(roomId, fetchFn).then(
      (found) => {
        if (!current) return;
        setMembers(byName(found));
        onCount(found.length);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
        if (current)
          setMembers({ failed: describeActionError(error, 'The members could not be listed') });
      },
    );
    return () => {
      current = false;
    };
  }, [roomId, fetchFn, attempt, onCount, onUnauthorized]);

  return (
    <section id={id} className="members" aria-label={`Members of #${roomName}`}>
      {members === 'loading' ? (
        <p className="members__note" aria-live="polite">
          Loading members…
        </p>
      ) : null}
      {typeof members === 'object' && 'failed' in members ? (
        <div className="members__note" role="alert">
          <p>{members.failed}</p>
          <button
            type="button"
            className="button button--small"
            onClick={() => setAttempt((n) => n + 1)}
          >
            Retry
          </button>
        </div>
      ) : null}
      {Array.isArray(members) ? (
        <ul className="members__list" aria-label="Members">
          {members.map((person) => {
            const online = onlineIds.has(person.id);
            return (
              <li key={person.id}>
                <button
                  type="button"
                  className="members__person"
                  title={person.id === meId ? 'Notes to self' : `Write to ${person.name} directly`}
                  onClick={() => onSelect(person)}
                >
                  <span
                    className={`presence-dot${online ? ' presence-dot--online' : ''}`}
                    aria-hidden="true"
                  />
                  {person.id === meId ? `${person.name} (you)` : person.name}
                  {online ? <span className="visually-hidden">, online</span> : null}
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
    </section>
  );
}
