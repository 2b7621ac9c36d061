import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { emulator, message, rest } from './helpers.js';
import { clientWithClaims, upstreamServer } from './upstream-server.js';

const TEMPLATE = '/upstream/{hub}/{category}/{event}';

describe('a hung or slow upstream', () => {
  it('never stalls clients: messages keep arriving, other connections are served, the invocation times out', async () => {
    const hanging: ServerResponse[] = [];
    const upstream = await upstreamServer((request, response) => {
      if (request.json?.target === 'slow')
        hanging.push(response); // never answered
      else response.writeHead(204).end();
    });
    const timeoutMs = 800;
    const running = await emulator({
      upstream: [{ urlTemplate: upstream.url + TEMPLATE }],
      upstreamTimeoutMs: timeoutMs,
    });
    const stuck = await clientWithClaims(running, 'alice');
    const other = await clientWithClaims(running, 'bob');
    const received: unknown[] = [];
    stuck.on('newMessage', (value: unknown) => received.push(value));

    const started = Date.now();
    const slow = stuck.invoke('slow');
    slow.catch(() => undefined);
    await upstream.waitFor(1, (r) => r.json?.target === 'slow');

    // While the upstream holds alice's invocation: REST sends reach her, bob is answered.
    await rest(running, 'POST', '/api/hubs/chat/users/alice/:send?api-version=2022-06-01', {
      body: message('newMessage', 'meanwhile'),
    });
    await expect(other.invoke('fast')).resolves.toBeUndefined();
    expect(Date.now() - started).toBeLessThan(timeoutMs);
    await expect.poll(() => received).toEqual(['meanwhile']);

    await expect(slow).rejects.toThrow(`Invocation failed, no response within ${timeoutMs} ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(timeoutMs - 20);
    expect(stuck.state).toBe('Connected');
    expect(hanging.length).toBe(1);
  });

  it('delivers one connection’s events in order while the upstream answers out of order', async () => {
    // Each request is answered after a delay that shrinks, so a concurrent sender would
    // deliver them reversed; per-connection order must hold anyway.
    let delay = 60;
    const upstream = await upstreamServer((_request, response) => {
      delay = Math.max(0, delay - 10);
      setTimeout(() => response.writeHead(200).end(), delay);
    });
    const running = await emulator({ upstream: [{ urlTemplate: upstream.url + TEMPLATE }] });
    const client = await clientWithClaims(running, 'alice');
    const id = client.connectionId;
    for (let index = 0; index < 5; index++) await client.send('step', index);
    await client.stop();
    const events = await upstream.waitFor(7, (r) => r.headers['x-asrs-connection-id'] === id);
    expect(events.map((r) => r.path.split('/').slice(-1)[0])).toEqual([
      'connected',
      'step',
      'step',
      'step',
      'step',
      'step',
      'disconnected',
    ]);
    expect(events.slice(1, 6).map((r) => (r.json?.arguments as number[])[0])).toEqual([
      0, 1, 2, 3, 4,
    ]);
  });

  it('keeps its queue bounded: invocations past the limit fail at once, with a log line', async () => {
    const hanging: ServerResponse[] = [];
    const upstream = await upstreamServer((request, response) => {
      if (request.json?.target === 'wait') hanging.push(response);
      else response.writeHead(200).end();
    });
    const logs: string[] = [];
    const running = await emulator({
      upstream: [{ urlTemplate: upstream.url + TEMPLATE, categoryPattern: 'messages' }],
      upstreamQueueLimit: 2,
      upstreamTimeoutMs: 2000,
      log: (line) => logs.push(line),
    });
    const client = await clientWithClaims(running, 'alice');
    const calls = Array.from({ length: 5 }, () => client.invoke('wait'));
    for (const call of calls) call.catch(() => undefined);
    // One is in flight and two wait: the other two are refused without waiting for the timeout.
    const refused = await Promise.allSettled(calls.slice(3));
    for (const outcome of refused) {
      expect(outcome.status).toBe('rejected');
      expect(String((outcome as PromiseRejectedResult).reason)).toContain('too many upstream');
    }
    expect(logs.filter((line) => line.includes('dropped')).length).toBe(2);
    await upstream.waitFor(1, (r) => r.json?.target === 'wait');
    expect(hanging.length).toBe(1);
    // Released, the waiting ones follow one by one.
    upstream.handler = (_request, response) => response.writeHead(204).end();
    for (const response of hanging) response.writeHead(204).end();
    await expect(Promise.all(calls.slice(0, 3))).resolves.toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(upstream.requests.filter((r) => r.json?.target === 'wait').length).toBe(3);
  });

  it('logs a failing connected event and keeps the connection', async () => {
    const upstream = await upstreamServer((_request, response) => response.writeHead(503).end());
    const logs: string[] = [];
    const running = await emulator({
      upstream: [{ urlTemplate: upstream.url + TEMPLATE }],
      log: (line) => logs.push(line),
    });
    const client = await clientWithClaims(running, 'alice');
    await upstream.waitFor(1);
    await expect
      .poll(() =>
        logs.some((line) => line.includes('connections/connected') && line.includes('503')),
      )
      .toBe(true);
    const received = new Promise<unknown>((resolve) => client.on('newMessage', resolve));
    await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01', {
      body: message('newMessage', 'hi'),
    });
    await expect(received).resolves.toBe('hi');
  });
});
