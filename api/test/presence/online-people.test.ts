import { describe, expect, it } from 'vitest';
import { onlinePeople } from '../../src/presence/presence.js';
import type { ConnectionRecord } from '../../src/presence/presence-table.js';

const row = (
  userId: string,
  name: string,
  connectedAt: number,
  connectionId = `${userId}-${connectedAt}`,
): ConnectionRecord => ({
  connectionId,
  userId,
  name,
  connectedAt,
  verifiedAt: connectedAt,
});

describe('online people from connection rows', () => {
  it('one entry per person: since = oldest connection, name = newest connection, by name', () => {
    const people = onlinePeople([
      row('b', 'bob', 3000),
      row('a', 'alice (old name)', 1000),
      row('a', 'alice', 5000),
      row('c', 'Carol', 2000),
      row('a', 'alice (middle)', 4000),
    ]);
    expect(people).toEqual([
      { id: 'a', name: 'alice', since: new Date(1000).toISOString() },
      { id: 'b', name: 'bob', since: new Date(3000).toISOString() },
      { id: 'c', name: 'Carol', since: new Date(2000).toISOString() },
    ]);
  });

  it('orders equal names by id and handles no rows', () => {
    expect(onlinePeople([row('z', 'sam', 1), row('y', 'sam', 2)]).map((p) => p.id)).toEqual([
      'y',
      'z',
    ]);
    expect(onlinePeople([])).toEqual([]);
  });
});
