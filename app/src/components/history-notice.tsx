import type { HistoryState } from '../timeline/history.js';

export interface HistoryControls {
  state: HistoryState;
  onLoadLatest: () => void;
  onLoadEarlier: () => void;
  onCatchUp: () => void;
}

/**
 * The top of the timeline: loading the first page (and retrying it), "Load earlier messages",
 * or the start of the conversation. Plain text with aria-live, not role="status": the
 * connection status is the page's one status.
 */
export function HistoryTop({ state, onLoadLatest, onLoadEarlier }: HistoryControls) {
  if (state.latest === 'loading') {
    return (
      <p className="timeline__notice" aria-live="polite">
        Loading messages…
      </p>
    );
  }
  if (state.latest === 'failed') {
    return (
      <div className="timeline__notice timeline__notice--failed" aria-live="polite">
        <span>Messages could not be loaded. {state.failure}</span>{' '}
        <button type="button" className="button button--small" onClick={onLoadLatest}>
          Try again
        </button>
      </div>
    );
  }
  if (state.olderCursor === undefined) return null;
  return (
    <div className="timeline__notice" aria-live="polite">
      {state.earlier === 'failed' ? (
        <span className="timeline__notice--failed">Earlier messages could not be loaded. </span>
      ) : null}
      <button
        type="button"
        className="button button--small"
        onClick={onLoadEarlier}
        disabled={state.earlier === 'loading'}
      >
        {state.earlier === 'loading' ? 'Loading earlier messages…' : 'Load earlier messages'}
      </button>
    </div>
  );
}

/** The end of the timeline: a catch-up that failed, with a way to try again. */
export function HistoryBottom({ state, onCatchUp }: HistoryControls) {
  if (!state.catchUpFailed) return null;
  return (
    <div className="timeline__notice timeline__notice--failed" aria-live="polite">
      <span>Some messages may be missing. {state.failure}</span>{' '}
      <button type="button" className="button button--small" onClick={onCatchUp}>
        Load missed messages
      </button>
    </div>
  );
}
