import { describe, expect, it } from 'vitest';
import { describeTypists, typistFromNotice, type Typist } from './typing-notices.js';

const typist = (name: string): Typist => ({ id: `${name}-id`, name });

describe('describeTypists', () => {
  it('says nothing when nobody types', () => {
    expect(describeTypists([])).toBe('');
  });

  it('names one, two, and counts more', () => {
    expect(describeTypists([typist('bob')])).toBe('bob is typing…');
    expect(describeTypists([typist('bob'), typist('carol')])).toBe('bob and carol are typing…');
    expect(describeTypists([typist('bob'), typist('carol'), typist('dave')])).toBe(
      '3 people are typing…',
    );
  });
});

describe('typistFromNotice', () => {
  it('keeps notices about others', () => {
    expect(
      typistFromNotice({ user: { id: 'bob-id', name: 'bob' }, conversationId: 'general' }, 'a'),
    ).toEqual({ id: 'bob-id', name: 'bob' });
  });

  it('ignores notices about myself (my other tabs)', () => {
    expect(
      typistFromNotice(
        { user: { id: 'alice-id', name: 'alice' }, conversationId: 'general' },
        'alice-id',
      ),
    ).toBeNull();
  });
});
