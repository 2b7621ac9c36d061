import { lazy, Suspense, useEffect, useId, useRef, useState } from 'react';
import { GENERAL_ROOM_ID, type ConversationSummary, type PersonSummary } from '@chat/conversation';
import { ApiError } from '../api/api-error.js';
import { leaveRoom, setMuted } from '../api/conversations.js';

// Loaded when first used, to keep the first load small.
const AddPeople = lazy(() =>
  import('./add-people.js').then((module) => ({ default: module.AddPeople })),
);
const MemberList = lazy(() =>
  import('./member-list.js').then((module) => ({ default: module.MemberList })),
);

export interface ConversationHeaderProps {
  summary: ConversationSummary;
  me: { id: string; name: string };
  fetchFn: typeof fetch;
  /** Whether the partner of a direct conversation is online. */
  online?: boolean;
  /** Who is online (the dots in a room's member list). */
  onlineIds: ReadonlySet<string>;
  /** A member's name activated: open the direct conversation with them. */
  onSelectPerson: (person: PersonSummary) => void;
  onSummary: (summary: ConversationSummary) => void;
  /** Left the room (204): forget it and go elsewhere. */
  onLeft: (conversationId: string) => void;
  onUnauthorized: () => void;
}

function describe(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.isUnauthorized) return 'Your session has ended.';
    return error.message;
  }
  return 'Something went wrong.';
}

/** The open conversation's name and topic, and what one can do with it: mute, leave, add. */
export function ConversationHeader({
  summary,
  me,
  fetchFn,
  online,
  onlineIds,
  onSelectPerson,
  onSummary,
  onLeft,
  onUnauthorized,
}: ConversationHeaderProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>(undefined);
  const [adding, setAdding] = useState(false);
  const [showingMembers, setShowingMembers] = useState(false);
  const [memberCount, setMemberCount] = useState<number | undefined>(undefined);
  const membersButton = useRef<HTMLButtonElement>(null);
  const membersArea = useRef<HTMLDivElement>(null);
  const membersId = useId();

  // A press anywhere else closes the list, as menus and popovers do.
  useEffect(() => {
    if (!showingMembers) return;
    const closeOutside = (event: PointerEvent) => {
      if (event.target instanceof Node && membersArea.current?.contains(event.target)) return;
      setShowingMembers(false);
    };
    document.addEventListener('pointerdown', closeOutside);
    return () => document.removeEventListener('pointerdown', closeOutside);
  }, [showingMembers]);
  const isRoom = summary.kind === 'room';
  const notes = summary.kind === 'direct' && summary.with?.id === me.id;
  const title = isRoom
    ? `#${summary.name}`
    : notes
      ? `${summary.name} (notes to self)`
      : summary.name;

  const run = (action: () => Promise<void>) => {
    setBusy(true);
    setProblem(undefined);
    action()
      .catch((error: unknown) => {
        if (error instanceof ApiError && error.isUnauthorized) onUnauthorized();
        setProblem(describe(error));
      })
      .finally(() => setBusy(false));
  };

  return (
    <header className="conversation__header">
      <div className="conversation__heading">
        <h2 className="conversation__title">{title}</h2>
        {summary.kind === 'direct' && !notes ? (
          <span className="conversation__presence">
            <span className={`presence-dot${online ? ' presence-dot--online' : ''}`} />
            {online ? 'online' : 'offline'}
          </span>
        ) : null}
        {summary.topic ? <p className="conversation__topic">{summary.topic}</p> : null}
      </div>
      <div className="conversation__actions">
        {isRoom && summary.id !== GENERAL_ROOM_ID ? (
          <div
            ref={membersArea}
            className="conversation__members"
            onKeyDown={(event) => {
              if (event.key !== 'Escape' || !showingMembers) return;
              event.stopPropagation();
              setShowingMembers(false);
              membersButton.current?.focus();
            }}
          >
            <button
              ref={membersButton}
              type="button"
              className="button button--quiet button--small"
              aria-expanded={showingMembers}
              aria-controls={showingMembers ? membersId : undefined}
              onClick={() => setShowingMembers((value) => !value)}
            >
              {memberCount === undefined ? 'Members' : `Members (${memberCount})`}
            </button>
            {showingMembers ? (
              <Suspense fallback={<p className="members">Loading members…</p>}>
                <MemberList
                  id={membersId}
                  roomId={summary.id}
                  roomName={summary.name}
                  meId={me.id}
                  fetchFn={fetchFn}
                  onlineIds={onlineIds}
                  onSelect={(person) => {
                    setShowingMembers(false);
                    onSelectPerson(person);
                  }}
                  onCount={setMemberCount}
                  onUnauthorized={onUnauthorized}
                />
              </Suspense>
            ) : null}
          </div>
        ) : null}
        {isRoom && summary.visibility === 'private' ? (
          <button
            type="button"
            className="button button--quiet button--small"
            aria-expanded={adding}
            onClick={() => setAdding((value) => !value)}
          >
            Add people
          </button>
        ) : null}
        <button
          type="button"
          className="button button--quiet button--small"
          aria-pressed={summary.muted === true}
          disabled={busy}
          title={summary.muted ? 'Notifications are off here' : 'Turn off notifications here'}
          onClick={() =>
            run(async () => onSummary(await setMuted(summary.id, !summary.muted, fetchFn)))
          }
        >
          {summary.muted ? 'Unmute' : 'Mute'}
        </button>
        {isRoom && summary.id !== GENERAL_ROOM_ID ? (
          <button
            type="button"
            className="button button--quiet button--small"
            disabled={busy}
            onClick={() =>
              run(async () => {
                await leaveRoom(summary.id, me.id, fetchFn);
                onLeft(summary.id);
              })
            }
          >
            Leave room
          </button>
        ) : null}
      </div>
      {problem ? (
        <p className="conversation__problem" role="alert">
          {problem}
        </p>
      ) : null}
      {adding ? (
        <Suspense fallback={null}>
          <AddPeople
            roomId={summary.id}
            roomName={summary.name}
            meId={me.id}
            fetchFn={fetchFn}
            onClose={() => setAdding(false)}
            onUnauthorized={onUnauthorized}
          />
        </Suspense>
      ) : null}
    </header>
  );
}
