import { describe, expect, it } from 'vitest';
import { alice, chatMessage } from '../test/messages.js';
import {
  createPendingMessage,
  emptyTimeline,
  timelineReducer,
  type TimelineAction,
  type TimelineState,
} from './timeline.js';

function run(...actions: TimelineAction[]): TimelineState {
  return actions.reduce(timelineReducer, emptyTimeline);
}

const ids = (state: TimelineState) => state.entries.map((entry) => entry.message.id);

describe('timeline', () => {
  it('orders received messages oldest first, whatever order they arrive in', () => {
    const first = chatMessage({ sentAt: '2026-01-01T10:00:00.000Z' });
    const second = chatMessage({ sentAt: '2026-01-01T10:00:01.000Z' });
    const third = chatMessage({ sentAt: '2026-01-01T10:00:02.000Z' });
    const state = run(
      { type: 'received', messages: [third] },
      { type: 'received', messages: [first, second] },
    );
    expect(ids(state)).toEqual([first.id, second.id, third.id]);
  });

  it('breaks ties in time by id so every client shows the same order', () => {
    const sentAt = '2026-01-01T10:00:00.000Z';
    const b = chatMessage({ id: 'bbbb', sentAt });
    const a = chatMessage({ id: 'aaaa', sentAt });
    expect(ids(run({ type: 'received', messages: [b, a] }))).toEqual(['aaaa', 'bbbb']);
  });

  it('keeps a message once when it arrives twice, with the latest copy', () => {
    const message = chatMessage({ text: 'first copy' });
    const state = run(
      { type: 'received', messages: [message] },
      { type: 'received', messages: [{ ...message, text: 'second copy' }] },
    );
    expect(state.entries).toHaveLength(1);
    expect(state.entries[0]?.message.text).toBe('second copy');
  });

  it('returns the same state when nothing changes', () => {
    const state = run({ type: 'received', messages: [chatMessage()] });
    expect(timelineReducer(state, { type: 'received', messages: [] })).toBe(state);
    expect(
      timelineReducer(state, { type: 'sendFailed', id: 'unknown', failure: { reason: 'x' } }),
    ).toBe(state);
  });

  it('shows a send as pending, and as sent once its own event arrives', () => {
    const pending = createPendingMessage({
      id: 'own-1',
      text: 'hello',
      sender: alice,
      conversationId: 'general',
      now: new Date('2026-01-01T10:00:00.000Z'),
    });
    const accepted = { ...pending, sentAt: '2026-01-01T10:00:00.250Z' };
    let state = run({ type: 'sendStarted', message: pending });
    expect(state.entries[0]?.delivery).toBe('pending');

    state = timelineReducer(state, { type: 'sendAccepted', message: accepted });
    expect(state.entries[0]).toMatchObject({ delivery: 'pending', message: accepted });

    state = timelineReducer(state, { type: 'received', messages: [accepted] });
    expect(state.entries).toEqual([{ message: accepted, delivery: 'sent' }]);
  });

  it('stays sent when its own event overtakes the HTTP reply', () => {
    const pending = createPendingMessage({
      id: 'own-2',
      text: 'hi',
      sender: alice,
      conversationId: 'general',
    });
    const state = run(
      { type: 'sendStarted', message: pending },
      { type: 'received', messages: [pending] },
      { type: 'sendAccepted', message: pending },
      { type: 'sendFailed', id: pending.id, failure: { reason: 'timed out' } },
    );
    expect(state.entries.map((entry) => entry.delivery)).toEqual(['sent']);
  });

  it('marks a failed send with its reason, and a retry with the same id as pending again', () => {
    const pending = createPendingMessage({
      id: 'own-3',
      text: 'retry me',
      sender: alice,
      conversationId: 'general',
    });
    let state = run(
      { type: 'sendStarted', message: pending },
      { type: 'sendFailed', id: pending.id, failure: { reason: 'Too many messages' } },
    );
    expect(state.entries[0]).toMatchObject({
      delivery: 'failed',
      failure: { reason: 'Too many messages' },
    });

    state = timelineReducer(state, { type: 'sendStarted', message: pending });
    expect(state.entries).toHaveLength(1);
    expect(state.entries[0]?.delivery).toBe('pending');
    expect(state.entries[0]?.failure).toBeUndefined();
  });

  it('puts a pending message among received ones by its time', () => {
    const earlier = chatMessage({ sentAt: '2026-01-01T10:00:00.000Z' });
    const later = chatMessage({ sentAt: '2026-01-01T10:00:10.000Z' });
    const pending = createPendingMessage({
      id: 'mine',
      text: 'between',
      sender: alice,
      conversationId: 'general',
      now: new Date('2026-01-01T10:00:05.000Z'),
    });
    const state = run(
      { type: 'received', messages: [later, earlier] },
      { type: 'sendStarted', message: pending },
    );
    expect(ids(state)).toEqual([earlier.id, 'mine', later.id]);
  });
});
