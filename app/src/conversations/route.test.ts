import { describe, expect, it } from 'vitest';
import { parseRoute, routePath } from './route.js';

describe('routes', () => {
  it('reads rooms and direct conversations from the address, #general otherwise', () => {
    expect(parseRoute('/r/general')).toEqual({ kind: 'room', roomId: 'general' });
    expect(parseRoute('/dm/bob%40example.com')).toEqual({
      kind: 'direct',
      userId: 'bob@example.com',
    });
    for (const path of ['/', '/r/', '/x/y', '/r/a/b', '/dm/%E0%A4%A']) {
      expect(parseRoute(path)).toEqual({ kind: 'room', roomId: 'general' });
    }
  });

  it('writes them back with the ids encoded', () => {
    expect(routePath({ kind: 'room', roomId: 'general' })).toBe('/r/general');
    expect(routePath({ kind: 'direct', userId: 'a/b' })).toBe('/dm/a%2Fb');
    expect(parseRoute(routePath({ kind: 'direct', userId: 'a/b' }))).toEqual({
      kind: 'direct',
      userId: 'a/b',
    });
  });
});
