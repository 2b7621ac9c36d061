import { renderHook, waitFor } from '@testing-library/react';
import type { OnlinePerson } from '@chat/message';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStatus } from '../connection/chat-connection.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { bob } from '../test/messages.js';
import { usePresence } from './use-presence.js';

const bobOnline: OnlinePerson = { ...bob, since: '2026-01-01T12:00:00.000Z' };

let network: FakeFetch;
let answers: Response[];

beforeEach(() => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  answers = [];
  network = new FakeFetch().route('GET', '/api/presence', () => {
    const next = answers.shift();
    if (!next) throw new Error('no more answers');
    return next;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('usePresence', () => {
  it('asks nothing until connected', () => {
    const { rerender } = renderHook(
      ({ status }: { status: ConnectionStatus }) => usePresence({ fetchFn: network.fetch, status }),
      { initialProps: { status: 'connecting' } },
    );
    // Effects have run when renderHook returns: a request would have started by now.
    expect(network.requests).toHaveLength(0);
    answers.push(json({ people: [] }));
    rerender({ status: 'connected' });
    expect(network.requests).toHaveLength(1);
  });

  it('tries a failed list load again while connected', async () => {
    answers.push(json({ error: { code: 'storage_unavailable' } }, 503));
    answers.push(json({ people: [bobOnline] }));
    const { result } = renderHook(() =>
      usePresence({ fetchFn: network.fetch, status: 'connected', retryMs: 10 }),
    );
    await waitFor(() => expect(result.current.people).toEqual([bobOnline]));
    expect(network.requests).toHaveLength(2);
  });

  it('stops trying when the connection is lost', async () => {
    answers.push(json({ error: { code: 'storage_unavailable' } }, 503));
    const { rerender } = renderHook(
      ({ status }: { status: ConnectionStatus }) =>
        usePresence({ fetchFn: network.fetch, status, retryMs: 30 }),
      { initialProps: { status: 'connected' } },
    );
    await waitFor(() => expect(network.requests).toHaveLength(1));
    await waitFor(() => expect(console.warn).toHaveBeenCalled());
    rerender({ status: 'reconnecting' });
    // Nothing to wait for when nothing happens: a few retry intervals have to pass.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(network.requests).toHaveLength(1);
  });

  it('ignores a malformed list', async () => {
    answers.push(json({ people: [{ id: 'x' }] }));
    answers.push(json({ people: [bobOnline] }));
    const { result } = renderHook(() =>
      usePresence({ fetchFn: network.fetch, status: 'connected', retryMs: 10 }),
    );
    await waitFor(() => expect(result.current.people).toEqual([bobOnline]));
  });
});
