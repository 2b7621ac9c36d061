import { describe, expect, it } from 'vitest';
import { describeTypists, typistFromNotice, type Typist } from './typing-notices.js';

const typist = (name: string, isPrivate = false): Typist => ({ id: `${name}-id`, name, isPrivate });

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

  it('marks one person writing privately to me', () => {
    expect(describeTypists([typist('bob', true)])).toBe('bob is typing (private)…');
  });
});

describe('typistFromNotice', () => {
  it('keeps room notices and private notices to me', () => {
    expect(typistFromNotice({ user: { id: 'bob-id', name: 'bob' } }, 'alice-id')).toEqual({
      id: 'bob-id',
      name: 'bob',
      isPrivate: false,
    });
    expect(
      typistFromNotice({ user: { id: 'bob-id', name: 'bob' }, recipient: 'alice-id' }, 'alice-id'),
    ).toEqual({ id: 'bob-id', name: 'bob', isPrivate: true });
  });

  it('ignores notices about myself and private notices to someone else', () => {
    expect(typistFromNotice({ user: { id: 'alice-id', name: 'alice' } }, 'alice-id')).toBeNull();
    expect(
      typistFromNotice({ user: { id: 'bob-id', name: 'bob' }, recipient: 'carol-id' }, 'alice-id'),
    ).toBeNull();
  });
});
