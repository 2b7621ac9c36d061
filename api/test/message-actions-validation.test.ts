// The rules of issue 10's bodies and quotes, as the shared module (the app's too) applies them.
import { describe, expect, it } from 'vitest';
import { deletedMessage, replyQuoteOf } from '../src/chat/message.js';
import { decideMessageAction } from '../src/conversations/message-access.js';
import {
  MAX_MENTIONS,
  MAX_QUOTE_LENGTH,
  quoteOf,
  validateEditMessageRequest,
  validateSendMessageRequest,
  type ChatMessage,
} from '../src/shared/chat-message.js';

const UUID = '7d444840-9dc0-11d1-b245-5ffdce74fad2';

const message: ChatMessage = {
  id: UUID,
  text: 'hello @bob',
  sender: { id: 'alice-id', name: 'alice' },
  conversationId: 'general',
  isPrivate: false,
  sentAt: '2026-01-01T12:00:00.000Z',
  version: 3,
  editedAt: '2026-01-01T12:01:00.000Z',
  mentions: [{ id: 'bob-id', name: 'bob' }],
  replyTo: { id: UUID, sender: { id: 'bob-id', name: 'bob' }, quote: 'hi' },
  reactions: [{ emoji: '👍', count: 1, people: [{ id: 'bob-id', name: 'bob' }] }],
};

describe('validateSendMessageRequest: replyTo and mentions', () => {
  it('lower-cases replyTo and collapses repeated mentions, keeping their order', () => {
    expect(
      validateSendMessageRequest({
        text: 'hi',
        replyTo: UUID.toUpperCase(),
        mentions: ['bob-id', 'carol-id', 'bob-id'],
      }),
    ).toEqual({
      ok: true,
      value: { text: 'hi', replyTo: UUID, mentions: ['bob-id', 'carol-id'] },
    });
  });

  it.each([
    ['replyTo not a string', { replyTo: 5 }, 'replyTo', 'type'],
    ['replyTo not a UUID', { replyTo: 'abc' }, 'replyTo', 'format'],
    ['mentions not an array', { mentions: 'bob-id' }, 'mentions', 'type'],
    ['a mention not a string', { mentions: ['bob-id', 7] }, 'mentions', 'type'],
    ['a mention not a user id', { mentions: ['<script>'] }, 'mentions', 'format'],
    [
      'more than MAX_MENTIONS people',
      { mentions: Array.from({ length: MAX_MENTIONS + 1 }, (_, i) => `user-${i}`) },
      'mentions',
      'max-length',
    ],
  ])('%s -> %s %s', (_name, fields, field, rule) => {
    expect(validateSendMessageRequest({ text: 'hi', ...fields })).toEqual({
      ok: false,
      problems: [{ field, rule }],
    });
  });

  it('takes MAX_MENTIONS people, and repeats beyond them do not count', () => {
    const ids = Array.from({ length: MAX_MENTIONS }, (_, i) => `user-${i}`);
    const result = validateSendMessageRequest({ text: 'hi', mentions: [...ids, ...ids] });
    expect(result.ok && result.value.mentions).toEqual(ids);
  });
});

describe('validateEditMessageRequest', () => {
  it('trims the text and keeps mentions absent when not given', () => {
    expect(validateEditMessageRequest({ text: ' fixed ', id: 'ignored' })).toEqual({
      ok: true,
      value: { text: 'fixed' },
    });
  });

  it('takes an empty mention list (the edit removes every mention)', () => {
    expect(validateEditMessageRequest({ text: 'x', mentions: [] })).toEqual({
      ok: true,
      value: { text: 'x', mentions: [] },
    });
  });

  it('refuses what sending refuses', () => {
    expect(validateEditMessageRequest([])).toEqual({
      ok: false,
      problems: [{ field: 'body', rule: 'object' }],
    });
    expect(validateEditMessageRequest({ text: '   ', mentions: [1] })).toEqual({
      ok: false,
      problems: [
        { field: 'text', rule: 'min-length' },
        { field: 'mentions', rule: 'type' },
      ],
    });
    expect(validateEditMessageRequest({ text: 'a\u0000b' })).toEqual({
      ok: false,
      problems: [{ field: 'text', rule: 'control-characters' }],
    });
  });
});

describe('quotes', () => {
  it('quote the first MAX_QUOTE_LENGTH code points', () => {
    const text = '😀'.repeat(MAX_QUOTE_LENGTH + 5);
    expect([...quoteOf(text)]).toHaveLength(MAX_QUOTE_LENGTH);
    expect(quoteOf('short')).toBe('short');
  });

  it('say "deleted" without any text once the original is deleted', () => {
    expect(replyQuoteOf(message)).toEqual({
      id: UUID,
      sender: { id: 'alice-id', name: 'alice' },
      quote: 'hello @bob',
    });
    expect(replyQuoteOf(deletedMessage(message))).toEqual({
      id: UUID,
      sender: { id: 'alice-id', name: 'alice' },
      quote: '',
      deleted: true,
    });
  });
});

describe('deletedMessage', () => {
  it('keeps no text, mentions, reply or reactions; keeps editedAt and the version', () => {
    const deleted = deletedMessage(message);
    expect(deleted).toEqual({
      id: UUID,
      text: '',
      sender: message.sender,
      conversationId: 'general',
      isPrivate: false,
      sentAt: message.sentAt,
      version: 3,
      editedAt: message.editedAt,
      deleted: true,
    });
    expect(JSON.stringify(deleted)).not.toContain('hello');
  });
});

describe('decideMessageAction', () => {
  const codeOf = (decision: ReturnType<typeof decideMessageAction>) =>
    decision.ok ? 'ok' : `${decision.status} ${decision.code}`;

  it('lets the sender edit and delete, and anyone who may post react', () => {
    expect(codeOf(decideMessageAction('alice-id', 'general', message, 'edit'))).toBe('ok');
    expect(codeOf(decideMessageAction('alice-id', 'general', message, 'delete'))).toBe('ok');
    expect(codeOf(decideMessageAction('bob-id', 'general', message, 'react'))).toBe('ok');
  });

  it("refuses another person's message, another conversation's, and a missing one", () => {
    expect(codeOf(decideMessageAction('bob-id', 'general', message, 'edit'))).toBe('403 not_yours');
    expect(codeOf(decideMessageAction('bob-id', 'general', message, 'delete'))).toBe(
      '403 not_yours',
    );
    const elsewhere = '0b1f5c6e-4c43-4f38-9a0e-6b0a3c1d2e3f';
    expect(codeOf(decideMessageAction('alice-id', elsewhere, message, 'edit'))).toBe(
      '404 message_not_found',
    );
    expect(codeOf(decideMessageAction('alice-id', 'general', undefined, 'react'))).toBe(
      '404 message_not_found',
    );
  });

  it('refuses editing or reacting to a deleted message, but deleting it again is fine', () => {
    const deleted = deletedMessage(message);
    expect(codeOf(decideMessageAction('alice-id', 'general', deleted, 'edit'))).toBe(
      '409 message_deleted',
    );
    expect(codeOf(decideMessageAction('bob-id', 'general', deleted, 'react'))).toBe(
      '409 message_deleted',
    );
    expect(codeOf(decideMessageAction('alice-id', 'general', deleted, 'delete'))).toBe('ok');
  });
});
