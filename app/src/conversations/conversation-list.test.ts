import type { ConversationSummary } from '@chat/conversation';
import { describe, expect, it } from 'vitest';
import { alice, bob, chatMessage } from '../test/messages.js';
import {
  conversationListReducer,
  emptyConversationList,
  formatUnread,
  groupConversations,
  titleUnread,
  windowTitle,
  type ConversationListAction,
  type ConversationListState,
} from './conversation-list.js';

const room = (id: string, name = id, extra: Partial<ConversationSummary> = {}) =>
  ({ id, kind: 'room', name, visibility: 'public', unread: 0, ...extra }) as ConversationSummary;
const direct = (person: { id: string; name: string }, extra: Partial<ConversationSummary> = {}) =>
  ({
    id: `dm.${person.id}`,
    kind: 'direct',
    name: person.name,
    with: person,
    unread: 0,
    ...extra,
  }) as ConversationSummary;

function run(actions: ConversationListAction[], state = emptyConversationList) {
  return actions.reduce(conversationListReducer, state);
}

const loaded = (...conversations: ConversationSummary[]): ConversationListState =>
  run([
    { type: 'refreshStarted', refreshId: 1 },
    { type: 'refreshed', refreshId: 1, conversations },
  ]);

describe('conversationListReducer', () => {
  it('bumps the unread count and last message of the conversation a message belongs to', () => {
    const message = chatMessage({ conversationId: 'r1', sender: bob, text: 'news' });
    const state = run(
      [
        { type: 'messageArrived', message, unread: true },
        // The same event again (another path): counted once.
        { type: 'messageArrived', message, unread: true },
      ],
      loaded(room('general'), room('r1')),
    );
    expect(state.byId.get('r1')).toMatchObject({
      unread: 1,
      lastMessage: { id: message.id, text: 'news', sender: bob },
    });
    expect(state.byId.get('general')?.unread).toBe(0);
  });

  it('moves the last message without counting what is being read or is mine', () => {
    const message = chatMessage({ conversationId: 'r1', sender: alice });
    const state = run([{ type: 'messageArrived', message, unread: false }], loaded(room('r1')));
    expect(state.byId.get('r1')).toMatchObject({ unread: 0, lastMessage: { id: message.id } });
  });

  it('stops counting one above MAX_UNREAD, shown as 99+', () => {
    const state = run(
      [{ type: 'messageArrived', message: chatMessage({ conversationId: 'r1' }), unread: true }],
      loaded(room('r1', 'r1', { unread: 100 })),
    );
    expect(state.byId.get('r1')?.unread).toBe(100);
    expect(formatUnread(100)).toBe('99+');
    expect(formatUnread(99)).toBe('99');
  });

  it("replaces a summary with the API's (another tab read it) and forgets a removed one", () => {
    const state = run(
      [
        { type: 'updated', summary: room('r1', 'r1', { unread: 0 }) },
        { type: 'removed', id: 'r2' },
      ],
      loaded(room('r1', 'r1', { unread: 5 }), room('r2')),
    );
    expect([...state.byId.keys()]).toEqual(['r1']);
    expect(state.byId.get('r1')?.unread).toBe(0);
  });

  it('keeps what the API said when the app adds a room it already knows of', () => {
    const state = run(
      [{ type: 'added', summary: room('r1', 'r1') }],
      loaded(room('r1', 'r1', { unread: 2 })),
    );
    expect(state.byId.get('r1')?.unread).toBe(2);
  });

  it('replays events seen during a refresh over its answer, without counting twice', () => {
    const counted = chatMessage({ conversationId: 'r1', sentAt: '2026-01-01T12:00:01.000Z' });
    const missed = chatMessage({ conversationId: 'r1', sentAt: '2026-01-01T12:00:02.000Z' });
    const state = run([
      { type: 'refreshStarted', refreshId: 1 },
      { type: 'messageArrived', message: counted, unread: true },
      { type: 'messageArrived', message: missed, unread: true },
      { type: 'updated', summary: room('new') },
      // Read by the server after `counted` was stored, before `missed` was.
      {
        type: 'refreshed',
        refreshId: 1,
        conversations: [
          room('r1', 'r1', {
            unread: 1,
            lastMessage: { id: counted.id, sender: bob, text: '', sentAt: counted.sentAt },
          }),
        ],
      },
    ]);
    expect(state.loaded).toBe(true);
    expect(state.byId.get('r1')).toMatchObject({ unread: 2, lastMessage: { id: missed.id } });
    expect(state.byId.has('new')).toBe(true);
  });

  it("ignores an outdated refresh's answer", () => {
    const state = run([
      { type: 'refreshStarted', refreshId: 1 },
      { type: 'refreshStarted', refreshId: 2 },
      { type: 'refreshed', refreshId: 2, conversations: [room('general')] },
      { type: 'refreshed', refreshId: 1, conversations: [room('old')] },
    ]);
    expect([...state.byId.keys()]).toEqual(['general']);
  });
});

describe('listing and counting', () => {
  it('lists #general first, rooms by name, direct conversations newest first', () => {
    const at = (sentAt: string) => ({ id: sentAt, sender: bob, text: '', sentAt });
    const { rooms, direct: directs } = groupConversations([
      direct(bob, { lastMessage: at('2026-01-01T10:00:00.000Z') }),
      room('z', 'zebra'),
      room('a', 'Alpha'),
      direct(alice, { lastMessage: at('2026-01-02T10:00:00.000Z') }),
      room('general'),
    ]);
    expect(rooms.map((r) => r.name)).toEqual(['general', 'Alpha', 'zebra']);
    expect(directs.map((d) => d.name)).toEqual(['alice', 'bob']);
  });

  it('leaves muted conversations out of the title', () => {
    const total = titleUnread([
      room('general', 'general', { unread: 2 }),
      room('r1', 'r1', { unread: 7, muted: true }),
      direct(bob, { unread: 1 }),
    ]);
    expect(total).toBe(3);
    expect(windowTitle(total)).toBe('(3) Chat');
    expect(windowTitle(0)).toBe('Chat');
    expect(windowTitle(150)).toBe('(99+) Chat');
  });

  it('counts the mentions of muted conversations in the title, not their other messages', () => {
    const total = titleUnread([
      room('general', 'general', { unread: 2, unreadMentions: 1 }),
      room('r1', 'r1', { unread: 7, unreadMentions: 2, muted: true }),
    ]);
    expect(total).toBe(4);
  });
});
