import { describe, expect, it } from 'vitest';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { alice, bob, carol } from '../test/messages.js';
import { mentionSource } from './mention-source.js';

describe('mentionSource', () => {
  it('asks the directory of people for #general, by the typed start of a name', async () => {
    const network = new FakeFetch().route('GET', '/api/people', ({ query }) =>
      json({ people: query === 'q=b' ? [bob] : [] }),
    );
    const source = mentionSource('general', undefined, alice, network.fetch);
    expect(await source('b')).toEqual([bob]);
    expect(network.requests.map((r) => r.query)).toEqual(['q=b']);
  });

  it('offers a room’s members, read once and filtered by name', async () => {
    let now = 0;
    const network = new FakeFetch().route('GET', '/api/rooms/r-ops/members', () =>
      json({ members: [carol, alice, bob] }),
    );
    const source = mentionSource('r-ops', { kind: 'room' }, alice, network.fetch, () => now);
    expect(await source('')).toEqual([alice, bob, carol]);
    expect(await source('C')).toEqual([carol]);
    expect(network.requests).toHaveLength(1);
    now = 60_000; // people join and leave: read again after a while
    await source('a');
    expect(network.requests).toHaveLength(2);
  });

  it('offers the two people of a direct conversation', async () => {
    const network = new FakeFetch();
    const source = mentionSource('dm.1', { kind: 'direct', with: bob }, alice, network.fetch);
    expect(await source('')).toEqual([alice, bob]);
    expect(await source('bo')).toEqual([bob]);
    expect(network.requests).toHaveLength(0);
  });
});
