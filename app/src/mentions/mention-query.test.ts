import { describe, expect, it } from 'vitest';
import { insertMention, mentionAt } from './mention-query.js';

describe('mentionAt', () => {
  it('finds the @query before the caret at the start or after a space', () => {
    expect(mentionAt('@bo', 3)).toEqual({ start: 0, query: 'bo' });
    expect(mentionAt('hi @', 4)).toEqual({ start: 3, query: '' });
    expect(mentionAt('hi\n@al and', 6)).toEqual({ start: 3, query: 'al' });
  });

  it('ignores an @ inside a word, after a finished name, or after the caret', () => {
    expect(mentionAt('me@bob', 6)).toBeUndefined();
    expect(mentionAt('@bob hi', 7)).toBeUndefined();
    expect(mentionAt('hi @bob', 2)).toBeUndefined();
  });
});

describe('insertMention', () => {
  it('replaces the query with @Name and a space, and puts the caret after it', () => {
    expect(insertMention('hi @bo', { start: 3, query: 'bo' }, 'bobby')).toEqual({
      text: 'hi @bobby ',
      caret: 10,
    });
    // In the middle of a text, a space already there is not doubled.
    expect(insertMention('@ca and more', { start: 0, query: 'ca' }, 'Carol Ann')).toEqual({
      text: '@Carol Ann and more',
      caret: 11,
    });
  });
});
