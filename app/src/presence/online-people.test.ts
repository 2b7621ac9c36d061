import type { OnlinePerson } from '@chat/message';
import { describe, expect, it } from 'vitest';
import {
  emptyPresence,
  presenceReducer,
  sortedPeople,
  type PresenceAction,
  type PresenceState,
} from './online-people.js';

const person = (id: string, name = id): OnlinePerson => ({
  id,
  name,
  since: '2026-01-01T12:00:00.000Z',
});

function run(actions: PresenceAction[], state: PresenceState = emptyPresence): PresenceState {
  return actions.reduce(presenceReducer, state);
}

const names = (state: PresenceState) => sortedPeople(state.people.values()).map((p) => p.name);

describe('presenceReducer', () => {
  it('adds people who join and removes people who leave', () => {
    const state = run([
      { type: 'joined', person: person('bob') },
      { type: 'joined', person: person('carol') },
      { type: 'left', id: 'bob' },
    ]);
    expect(names(state)).toEqual(['carol']);
  });

  it('keeps a person with several tabs once (a repeated join is an upsert)', () => {
    const state = run([
      { type: 'joined', person: person('bob') },
      { type: 'joined', person: { ...person('bob'), name: 'bob (renamed)' } },
    ]);
    expect([...state.people.values()]).toEqual([{ ...person('bob'), name: 'bob (renamed)' }]);
  });

  it('ignores a leave of someone not listed', () => {
    const state = run([
      { type: 'joined', person: person('bob') },
      { type: 'left', id: 'zed' },
    ]);
    expect(names(state)).toEqual(['bob']);
  });

  it('replaces the list with a refresh answer', () => {
    const state = run([
      { type: 'joined', person: person('gone') },
      { type: 'refreshStarted', refreshId: 1 },
      { type: 'refreshed', refreshId: 1, people: [person('bob'), person('carol')] },
    ]);
    expect(names(state)).toEqual(['bob', 'carol']);
    expect(state.refresh).toBeNull();
  });

  it('replays events that arrived while a refresh was in flight over its answer', () => {
    const state = run([
      { type: 'refreshStarted', refreshId: 1 },
      { type: 'joined', person: person('dave') },
      { type: 'left', id: 'bob' },
      // Read by the server before those two events happened.
      { type: 'refreshed', refreshId: 1, people: [person('bob'), person('carol')] },
    ]);
    expect(names(state)).toEqual(['carol', 'dave']);
  });

  it('ignores the answer of a refresh that a newer one replaced', () => {
    const state = run([
      { type: 'refreshStarted', refreshId: 1 },
      { type: 'refreshStarted', refreshId: 2 },
      { type: 'refreshed', refreshId: 2, people: [person('carol')] },
      { type: 'refreshed', refreshId: 1, people: [person('old')] },
    ]);
    expect(names(state)).toEqual(['carol']);
  });

  it('keeps the list as it is when a refresh fails', () => {
    const state = run([
      { type: 'joined', person: person('bob') },
      { type: 'refreshStarted', refreshId: 1 },
      { type: 'refreshFailed', refreshId: 1 },
      { type: 'joined', person: person('carol') },
    ]);
    expect(names(state)).toEqual(['bob', 'carol']);
    expect(state.refresh).toBeNull();
  });
});

describe('sortedPeople', () => {
  it('orders by name ignoring case, then by id', () => {
    const sorted = sortedPeople([
      person('3', 'carol'),
      person('2', 'Bob'),
      person('1', 'bob'),
      person('4', 'alice'),
    ]);
    expect(sorted.map((p) => p.id)).toEqual(['4', '1', '2', '3']);
  });
});
