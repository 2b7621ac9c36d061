import { describe, expect, it } from 'vitest';
import { clientToken, emulator, message, rest } from './helpers.js';

const RS = '\x1e';

async function negotiated(endpoint: string) {
  const token = clientToken('chat', 'alice');
  const headers = { authorization: `Bearer ${token}` };
  const response = await fetch(`${endpoint}/client/negotiate?hub=chat&negotiateVersion=1`, {
    method: 'POST',
    headers,
  });
  const { connectionToken } = (await response.json()) as { connectionToken: string };
  const url = `${endpoint}/client/?hub=chat&id=${connectionToken}`;
  return { url, headers };
}

describe('transport endpoints over raw HTTP', () => {
  it('long polling: first poll returns at once, a newer poll takes over, DELETE ends it', async () => {
    const running = await emulator();
    const { url, headers } = await negotiated(running.endpoint);
    const first = await fetch(url, { headers });
    expect([first.status, await first.text()]).toEqual([200, '']);
    expect(
      (await fetch(url, { method: 'POST', headers, body: `{"protocol":"json","version":1}${RS}` }))
        .status,
    ).toBe(200);
    expect(await (await fetch(url, { headers })).text()).toBe(`{}${RS}`);

    const stale = fetch(url, { headers });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const fresh = fetch(url, { headers });
    expect((await stale).status).toBe(204);
    await rest(running, 'POST', '/api/hubs/chat/users/alice/:send?api-version=2022-06-01', {
      body: message('newMessage', 1),
    });
    expect(await (await fresh).text()).toBe(
      `{"type":1,"target":"newMessage","arguments":[1]}${RS}`,
    );

    const waiting = fetch(url, { headers });
    const deleted = await fetch(url, { method: 'DELETE', headers });
    expect(deleted.status).toBe(202);
    expect((await waiting).status).toBe(204);
    expect((await fetch(url, { headers })).status).toBe(204);
    expect(running.connectionCount()).toBe(0);
  });

  it('server-sent events: data events, one stream per connection, sends by POST', async () => {
    const running = await emulator();
    const { url, headers } = await negotiated(running.endpoint);
    const stream = await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    expect(
      (await fetch(url, { headers: { ...headers, accept: 'text/event-stream' } })).status,
    ).toBe(409);
    const reader = stream.body!.getReader();
    let text = '';
    const readUntil = async (fragment: string) => {
      while (!text.includes(fragment)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${fragment}`);
        text += Buffer.from(value).toString('utf8');
      }
    };
    expect(
      (await fetch(url, { method: 'POST', headers, body: `{"protocol":"json","version":1}${RS}` }))
        .status,
    ).toBe(200);
    await readUntil(`data: {}${RS}\r\n\r\n`);
    await rest(running, 'POST', '/api/hubs/chat/:send?api-version=2022-06-01', {
      body: message('newMessage', 'x'),
    });
    await readUntil(`data: {"type":1,"target":"newMessage","arguments":["x"]}${RS}\r\n\r\n`);
    const oversize = await fetch(url, {
      method: 'POST',
      headers,
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(oversize.status).toBe(413);
    await reader.cancel();
  });

  it('requires an id on transport requests and a known connection', async () => {
    const running = await emulator();
    const headers = { authorization: `Bearer ${clientToken('chat', 'alice')}` };
    const noId = await fetch(`${running.endpoint}/client/?hub=chat`, {
      method: 'POST',
      headers,
      body: 'x',
    });
    expect([noId.status, (await noId.text()).trim()]).toEqual([
      400,
      'Connection ID required (the id query parameter).',
    ]);
    expect(
      (await fetch(`${running.endpoint}/client/?hub=chat&id=unknown`, { headers })).status,
    ).toBe(404);
    expect((await fetch(`${running.endpoint}/client/negotiate?hub=chat`, { headers })).status).toBe(
      405,
    );
    expect(
      (await fetch(`${running.endpoint}/client/negotiate`, { method: 'POST', headers })).status,
    ).toBe(400);
    expect((await fetch(`${running.endpoint}/elsewhere`)).status).toBe(404);
  });
});
