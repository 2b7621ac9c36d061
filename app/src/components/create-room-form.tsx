import { useId, useState, type FormEvent } from 'react';
import {
  MAX_ROOM_NAME_LENGTH,
  MAX_ROOM_TOPIC_LENGTH,
  type RoomSummary,
  type RoomVisibility,
} from '@chat/conversation';
import { ApiError } from '../api/api-error.js';
import { createRoom } from '../api/conversations.js';

export interface CreateRoomFormProps {
  fetchFn: typeof fetch;
  onCreated: (room: RoomSummary) => void;
  onClose: () => void;
  onUnauthorized: () => void;
}

function codePoints(text: string): number {
  return Array.from(text).length;
}

/** A new room: name, topic, public or private. The API decides; its errors show by the field. */
export function CreateRoomForm({
  fetchFn,
  onCreated,
  onClose,
  onUnauthorized,
}: CreateRoomFormProps) {
  const nameId = useId();
  const topicId = useId();
  const errorId = useId();
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [visibility, setVisibility] = useState<RoomVisibility>('public');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ field?: string; message: string } | undefined>(undefined);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = name.trim();
    if (trimmed === '') {
      setError({ field: 'name', message: 'A room needs a name.' });
      return;
    }
    setBusy(true);
    setError(undefined);
    createRoom(
      { name: trimmed, ...(topic.trim() ? { topic: topic.trim() } : {}), visibility },
      fetchFn,
    ).then(
      (room) => {
        setBusy(false);
        onCreated(room);
      },
      (failure: unknown) => {
        setBusy(false);
        if (failure instanceof ApiError && failure.isUnauthorized) onUnauthorized();
        if (failure instanceof ApiError && failure.status === 409) {
          setError({ field: 'name', message: `A room named “${trimmed}” already exists.` });
        } else if (failure instanceof ApiError) {
          setError({
            ...(failure.details.field ? { field: failure.details.field } : {}),
            message: failure.message,
          });
        } else {
          setError({ message: 'Something went wrong.' });
        }
      },
    );
  };

  const invalid = (field: string) => (error?.field === field ? true : undefined);
  const describedBy = (field: string) => (error?.field === field ? errorId : undefined);

  return (
    <section className="panel" aria-label="New room">
      <div className="panel__header">
        <h2 className="panel__title">New room</h2>
        <button type="button" className="button button--quiet button--small" onClick={onClose}>
          Close
        </button>
      </div>
      <form className="room-form" onSubmit={submit} noValidate>
        <label htmlFor={nameId}>Name</label>
        <input
          id={nameId}
          className="input"
          value={name}
          maxLength={MAX_ROOM_NAME_LENGTH * 2}
          aria-invalid={
            invalid('name') ?? (codePoints(name.trim()) > MAX_ROOM_NAME_LENGTH || undefined)
          }
          aria-describedby={describedBy('name')}
          onChange={(event) => setName(event.target.value)}
        />
        <label htmlFor={topicId}>Topic (optional)</label>
        <input
          id={topicId}
          className="input"
          value={topic}
          maxLength={MAX_ROOM_TOPIC_LENGTH * 2}
          aria-invalid={invalid('topic')}
          aria-describedby={describedBy('topic')}
          onChange={(event) => setTopic(event.target.value)}
        />
        <fieldset className="room-form__visibility">
          <legend>Who can find it</legend>
          <label>
            <input
              type="radio"
              name="visibility"
              value="public"
              checked={visibility === 'public'}
              onChange={() => setVisibility('public')}
            />{' '}
            Public: listed, anyone may join
          </label>
          <label>
            <input
              type="radio"
              name="visibility"
              value="private"
              checked={visibility === 'private'}
              onChange={() => setVisibility('private')}
            />{' '}
            Private: only people added by a member
          </label>
        </fieldset>
        {error ? (
          <p id={errorId} className="room-form__error" role="alert">
            {error.message}
          </p>
        ) : null}
        <button type="submit" className="button" disabled={busy}>
          {busy ? 'Creating…' : 'Create room'}
        </button>
      </form>
    </section>
  );
}
