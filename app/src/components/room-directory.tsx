import { useEffect, useState } from 'react';
import type { RoomSummary } from '@chat/conversation';
import { ApiError } from '../api/api-error.js';
import { fetchRoomDirectory } from '../api/conversations.js';

export interface RoomDirectoryProps {
  fetchFn: typeof fetch;
  /** Join (not a member yet), then open. Resolves when done; rejects with the reason. */
  onJoin: (room: RoomSummary) => Promise<void>;
  onOpen: (room: RoomSummary) => void;
  onClose: () => void;
  onUnauthorized: () => void;
}

/** GET /api/rooms: every public room and my private ones; join or open each. */
export function RoomDirectory({
  fetchFn,
  onJoin,
  onOpen,
  onClose,
  onUnauthorized,
}: RoomDirectoryProps) {
  const [rooms, setRooms] = useState<readonly RoomSummary[] | 'loading' | 'failed'>('loading');
  const [attempt, setAttempt] = useState(0);
  const [problem, setProblem] = useState<string | undefined>(undefined);

  useEffect(() => {
    let current = true;
    fetchRoomDirectory(fetchFn).then(
      (found) => {
        if (current) setRooms(found);
      },
      (error: unknown) => {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
        if (current) setRooms('failed');
      },
    );
    return () => {
      current = false;
    };
  }, [fetchFn, attempt, onUnauthorized]);

  const join = (room: RoomSummary) => {
    setProblem(undefined);
    onJoin(room).catch((error: unknown) =>
      setProblem(
        `Could not join #${room.name}: ${error instanceof ApiError ? error.message : 'something went wrong.'}`,
      ),
    );
  };

  return (
    <section className="panel" aria-label="Room directory">
      <div className="panel__header">
        <h2 className="panel__title">Rooms</h2>
        <button type="button" className="button button--quiet button--small" onClick={onClose}>
          Close
        </button>
      </div>
      {rooms === 'loading' ? <p aria-live="polite">Loading rooms…</p> : null}
      {rooms === 'failed' ? (
        <p role="alert">
          The rooms could not be loaded.{' '}
          <button
            type="button"
            className="button button--small"
            onClick={() => setAttempt((n) => n + 1)}
          >
            Try again
          </button>
        </p>
      ) : null}
      {problem ? <p role="alert">{problem}</p> : null}
      {Array.isArray(rooms) ? (
        <ul className="directory" aria-label="All rooms">
          {rooms.map((room) => (
            <li key={room.id} className="directory__room">
              <div className="directory__about">
                <span className="directory__name">#{room.name}</span>
                {room.visibility === 'private' ? (
                  <span className="directory__tag">private</span>
                ) : null}
                <span className="directory__count">
                  {room.memberCount} {room.memberCount === 1 ? 'member' : 'members'}
                </span>
                {room.topic ? <span className="directory__topic">{room.topic}</span> : null}
              </div>
              {room.isMember ? (
                <button
                  type="button"
                  className="button button--small button--quiet"
                  onClick={() => onOpen(room)}
                >
                  Open #{room.name}
                </button>
              ) : (
                <button type="button" className="button button--small" onClick={() => join(room)}>
                  Join #{room.name}
                </button>
              )}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
