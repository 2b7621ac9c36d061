import { renderHook } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { useKeptConversations } from './use-open-conversation.js';

describe('useKeptConversations', () => {
  it('keeps the most recently opened, in the order first opened, and drops what is gone', () => {
    let known = (_id: string) => true;
    const { result, rerender } = renderHook(
      ({ active }: { active: string }) => useKeptConversations(active, (id) => known(id), 3),
      { initialProps: { active: 'a' } },
    );
    for (const active of ['b', 'c', 'a', 'd']) rerender({ active });
    // b was the least recently open when d came: dropped; the others keep their places.
    expect(result.current).toEqual(['a', 'c', 'd']);
    known = (id) => id !== 'c'; // left
    rerender({ active: 'd' });
    expect(result.current).toEqual(['a', 'd']);
  });
});
