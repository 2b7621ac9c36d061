import { describe, expect, it } from 'vitest';
import { alice, bob, carol, chatMessage } from '../test/messages.js';
import {
  createPendingMessage,
  emptyTimeline,
  MAX_PARKED_CHANGES,
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

  it('keeps a message once when it arrives twice, with the newer version', () => {
    const message = chatMessage({ text: 'first copy' });
    const state = run(
      { type: 'received', messages: [message] },
      { type: 'received', messages: [{ ...message, text: 'second copy', version: 1 }] },
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

describe('timeline versions (messages that change after they were sent)', () => {
  const texts = (state: TimelineState) => state.entries.map((entry) => entry.message.text);

  it('replaces a held message only with a higher version, whatever the order of arrival', () => {
    const original = chatMessage({ text: 'v0' });
    const edited = { ...original, text: 'v1', version: 1, editedAt: '2026-01-01T13:00:00.000Z' };
    const reacted = {
      ...edited,
      version: 2,
      reactions: [{ emoji: '👍', count: 1, people: [alice] }],
    };
    // The events overtake each other; a history page brings the original late.
    const state = run(
      { type: 'received', messages: [original] },
      { type: 'changed', messages: [reacted] },
      { type: 'changed', messages: [edited] },
      { type: 'received', messages: [original] },
    );
    expect(state.entries).toHaveLength(1);
    expect(state.entries[0]?.message).toEqual(reacted);
  });

  it('treats an equal version as the same state: nothing changes', () => {
    const message = chatMessage({ text: 'same', version: 3 });
    const state = run({ type: 'received', messages: [message] });
    expect(timelineReducer(state, { type: 'received', messages: [{ ...message }] })).toBe(state);
    expect(timelineReducer(state, { type: 'changed', messages: [{ ...message }] })).toBe(state);
  });

  it('does not add a changed message it does not hold (it may be far older than the page)', () => {
    const held = chatMessage();
    const elsewhere = chatMessage({ text: 'edited', version: 1 });
    const state = run(
      { type: 'received', messages: [held] },
      { type: 'changed', messages: [elsewhere] },
    );
    expect(ids(state)).toEqual([held.id]);
  });

  it('keeps a change that overtook its message and applies it when the older copy arrives', () => {
    const original = chatMessage({ text: 'before' });
    const deleted = { ...original, text: '', deleted: true as const, version: 1 };
    const state = run(
      { type: 'changed', messages: [deleted] },
      { type: 'received', messages: [original] },
    );
    expect(state.entries.map((entry) => entry.message)).toEqual([deleted]);
    expect(state.parked.size).toBe(0);
  });

  it('remembers a bounded number of changes of messages not held', () => {
    const changes = Array.from({ length: MAX_PARKED_CHANGES + 5 }, () =>
      chatMessage({ version: 1 }),
    );
    const state = run({ type: 'changed', messages: changes });
    expect(state.parked.size).toBe(MAX_PARKED_CHANGES);
    // The oldest were forgotten first.
    expect(state.parked.has(changes[0]!.id)).toBe(false);
    expect(state.parked.has(changes.at(-1)!.id)).toBe(true);
  });

  it('lets the server answer win over an optimistic copy and marks it sent', () => {
    const pending = createPendingMessage({
      id: 'own-1',
      text: 'mine',
      sender: alice,
      conversationId: 'general',
    });
    const stored = { ...pending, sentAt: '2026-01-01T12:00:00.000Z', version: 0 };
    const state = run(
      { type: 'sendStarted', message: pending },
      { type: 'changed', messages: [{ ...stored, version: 1, text: 'mine, edited' }] },
    );
    expect(state.entries[0]?.delivery).toBe('sent');
    expect(texts(state)).toEqual(['mine, edited']);
  });

  it('shows a pending reply with the quote of the original, cut as the API cuts it', () => {
    const original = chatMessage({ sender: bob, text: '🙂'.repeat(150) });
    const reply = createPendingMessage({
      id: 'reply',
      text: 'yes',
      sender: alice,
      conversationId: 'general',
      replyTo: original,
      mentions: [carol],
    });
    expect(reply.replyTo).toEqual({ id: original.id, sender: bob, quote: '🙂'.repeat(100) });
    expect(reply.mentions).toEqual([carol]);
    const gone = createPendingMessage({
      id: 'reply-2',
      text: 'too late',
      sender: alice,
      conversationId: 'general',
      replyTo: { ...original, text: '', deleted: true },
    });
    expect(gone.replyTo).toEqual({ id: original.id, sender: bob, quote: '', deleted: true });
  });
});
