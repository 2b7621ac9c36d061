import { describe, expect, it } from 'vitest';
import { buildChatMessage } from '../src/chat/message.js';
import { audiencesFor } from '../src/chat/routing.js';

const alice = { id: 'alice-id', name: 'alice' };
const at = new Date('2026-01-01T12:00:00Z');

describe('buildChatMessage', () => {
  it('builds a public message with a fresh id', () => {
    const a = buildChatMessage(alice, { text: 'hi' }, at);
    const b = buildChatMessage(alice, { text: 'hi' }, at);
    expect(a).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      text: 'hi',
      sender: alice,
      isPrivate: false,
      sentAt: '2026-01-01T12:00:00.000Z',
    });
    expect(a.id).not.toBe(b.id);
  });

  it('keeps the client id and marks a private message', () => {
    const id = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
    expect(buildChatMessage(alice, { text: 'hi', id, recipient: 'bob-id' }, at)).toMatchObject({
      id,
      isPrivate: true,
      recipient: { id: 'bob-id' },
    });
  });
});

describe('audiencesFor', () => {
  it('sends public messages to the whole hub', () => {
    expect(audiencesFor(buildChatMessage(alice, { text: 'hi' }))).toEqual([{ kind: 'everyone' }]);
  });

  it('sends private messages to the recipient and the sender only', () => {
    expect(audiencesFor(buildChatMessage(alice, { text: 'hi', recipient: 'bob-id' }))).toEqual([
      { kind: 'user', userId: 'bob-id' },
      { kind: 'user', userId: 'alice-id' },
    ]);
  });

  it('sends a note to oneself once', () => {
    expect(audiencesFor(buildChatMessage(alice, { text: 'hi', recipient: 'alice-id' }))).toEqual([
      { kind: 'user', userId: 'alice-id' },
    ]);
  });
});
