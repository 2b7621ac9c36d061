import { describe, expect, it } from 'vitest';
import { alice, bob, chatMessage } from '../test/messages.js';
import type { TimelineEntry } from '../timeline/timeline.js';
import { firstUnreadId, readUpTo } from './read-position.js';

const sent = (overrides: Parameters<typeof chatMessage>[0]): TimelineEntry => ({
  message: chatMessage(overrides),
  delivery: 'sent',
});

const entries = [
  sent({ sender: bob, sentAt: '2026-01-01T12:00:01.000Z' }),
  sent({ sender: alice, sentAt: '2026-01-01T12:00:02.000Z' }),
  sent({ sender: bob, sentAt: '2026-01-01T12:00:03.000Z' }),
];
const [first, , last] = entries.map((entry) => entry.message);
const positionAt = (message: typeof first) => ({
  messageId: message!.id,
  sentAt: message!.sentAt,
});

describe('firstUnreadId (the "New messages" divider)', () => {
  it('goes before the first message from someone else after the read position', () => {
    expect(firstUnreadId(entries, { unread: 1, readPosition: positionAt(first) }, alice.id)).toBe(
      last!.id,
    );
  });

  it('goes before the first message from someone else when nothing was ever read', () => {
    expect(firstUnreadId(entries, { unread: 2 }, alice.id)).toBe(first!.id);
  });

  it('is not there when nothing was unread on opening', () => {
    expect(firstUnreadId(entries, { unread: 0, readPosition: positionAt(first) }, alice.id)).toBe(
      undefined,
    );
  });
});

describe('readUpTo', () => {
  it('moves the read position to the newest message from the server', () => {
    const pending: TimelineEntry = {
      message: chatMessage({ sender: alice, sentAt: '2026-01-01T12:00:09.000Z' }),
      delivery: 'pending',
    };
    expect(readUpTo([...entries, pending], { unread: 1 }, alice.id)).toBe(last!.id);
  });

  it('does not move it when it is already there, or when only my own message is newer', () => {
    expect(readUpTo(entries, { unread: 0, readPosition: positionAt(last) }, alice.id)).toBe(
      undefined,
    );
    expect(
      readUpTo(entries.slice(0, 2), { unread: 0, readPosition: positionAt(first) }, alice.id),
    ).toBe(undefined);
    expect(readUpTo([], { unread: 3 }, alice.id)).toBe(undefined);
  });
});
