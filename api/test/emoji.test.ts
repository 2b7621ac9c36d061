import { describe, expect, it } from 'vitest';
import { isSingleEmoji, normalizeEmoji } from '../src/shared/chat-message.js';

describe('isSingleEmoji', () => {
  it.each([
    ['a thumb', '👍'],
    ['a heart with its presentation selector', '❤️'],
    ['a heart without it', '❤'],
    ['a skin tone', '👍🏽'],
    ['a flag', '🇫🇷'],
    ['a family (ZWJ sequence)', '👨‍👩‍👧‍👦'],
    ['a keycap', '1️⃣'],
    ['a tag sequence flag', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'],
  ])('accepts %s', (_, emoji) => {
    expect(isSingleEmoji(emoji)).toBe(true);
  });

  it.each([
    ['a letter', 'a'],
    ['a digit', '1'],
    ['two emoji', '👍👍'],
    ['an emoji with a space', ' 👍'],
    ['an emoji and text', '👍 yes'],
    ['nothing', ''],
    ['markup', '<b>'],
    ['a long string', '👍'.repeat(40)],
    ['a number', 1],
    ['undefined', undefined],
  ])('refuses %s', (_, value) => {
    expect(isSingleEmoji(value)).toBe(false);
  });
});

describe('normalizeEmoji', () => {
  it('counts a heart typed without its presentation selector as the picked one', () => {
    expect(normalizeEmoji('❤')).toBe('❤️');
    expect(normalizeEmoji('❤️')).toBe('❤️');
  });

  it('keeps emoji that are already in their full form', () => {
    for (const emoji of ['👍', '👍🏽', '🇫🇷', '👨‍👩‍👧‍👦']) expect(normalizeEmoji(emoji)).toBe(emoji);
  });

  it('is undefined for anything that is not one emoji', () => {
    expect(normalizeEmoji('ab')).toBeUndefined();
    expect(normalizeEmoji('👍👍')).toBeUndefined();
  });
});
