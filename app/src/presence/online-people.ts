import type { OnlinePerson } from '@chat/message';

/**
 * Who is online, as the app knows it: the last GET /api/presence answer with the live
 * `userJoined`/`userLeft` events applied on top. Events are idempotent (a join is an upsert by
 * id, a leave a removal), so one person with several tabs is one entry.
 *
 * A refresh answer may have been read before an event that arrived while it was in flight;
 * replacing the list with it would undo that event. So events seen during a refresh are kept
 * and replayed over its answer.
 */
export type PresenceEvent = { type: 'joined'; person: OnlinePerson } | { type: 'left'; id: string };

export type PresenceAction =
  | PresenceEvent
  | { type: 'refreshStarted'; refreshId: number }
  | { type: 'refreshed'; refreshId: number; people: readonly OnlinePerson[] }
  | { type: 'refreshFailed'; refreshId: number };

export interface PresenceState {
  readonly people: ReadonlyMap<string, OnlinePerson>;
  /** The refresh whose answer is awaited, and the events seen since it was asked for. */
  readonly refresh: { readonly id: number; readonly events: readonly PresenceEvent[] } | null;
}

export const emptyPresence: PresenceState = { people: new Map(), refresh: null };

function apply(people: Map<string, OnlinePerson>, event: PresenceEvent): void {
  if (event.type === 'joined') people.set(event.person.id, event.person);
  else people.delete(event.id);
}

export function presenceReducer(state: PresenceState, action: PresenceAction): PresenceState {
  switch (action.type) {
    case 'joined':
    case 'left': {
      const people = new Map(state.people);
      apply(people, action);
      const refresh = state.refresh && {
        id: state.refresh.id,
        events: [...state.refresh.events, action],
      };
      return { people, refresh };
    }
    case 'refreshStarted':
      return { ...state, refresh: { id: action.refreshId, events: [] } };
    case 'refreshed': {
      // An answer to an older request than the newest one is already outdated.
      if (state.refresh?.id !== action.refreshId) return state;
      const people = new Map(action.people.map((person) => [person.id, person]));
      for (const event of state.refresh.events) apply(people, event);
      return { people, refresh: null };
    }
    case 'refreshFailed':
      return state.refresh?.id === action.refreshId ? { ...state, refresh: null } : state;
  }
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Everyone online ordered by name (case-insensitively), then id for equal names. */
export function sortedPeople(people: Iterable<OnlinePerson>): OnlinePerson[] {
  return [...people].sort(
    (a, b) => collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}
