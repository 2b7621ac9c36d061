import { useState } from 'react';
import { ApiError } from '../api/api-error.js';

/**
 * In the composer's place in a room one is not in (a public room opened from a link): its
 * history can be read, writing needs joining.
 */
export function JoinRoom({ onJoin }: { onJoin: () => Promise<void> }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  return (
    <div className="join-room">
      <span>You are not in this room.</span>
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setProblem(undefined);
          onJoin().then(
            () => setBusy(false),
            (error: unknown) => {
              setBusy(false);
              setProblem(error instanceof ApiError ? error.message : 'Something went wrong.');
            },
          );
        }}
      >
        Join room
      </button>
      {problem ? <span role="alert">Could not join: {problem}</span> : null}
    </div>
  );
}
