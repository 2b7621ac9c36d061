import * as signalR from '@microsoft/signalr';
import { describe, expect, it } from 'vitest';
import { cuttableProxy } from './cuttable-proxy.js';
import {
  type ClientOptions,
  clientToken,
  connect,
  emulator,
  message,
  negotiateApp,
  rest,
} from './helpers.js';
import { upstreamServer } from './upstream-server.js';

const API = '?api-version=2022-06-01';
const WS = signalR.HttpTransportType.WebSockets;

async function send(running: Parameters<typeof rest>[0], value: number): Promise<void> {
  const response = await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
    body: message('newMessage', value),
  });
  expect(response.status).toBe(202);
}

const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, index) => [from + index]);

describe('stateful reconnect', () => {
  it('answers the negotiate flag only to a client that asks for it', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const plain = await connect(app, WS, 'plain');
    expect(plain.connection.state).toBe(signalR.HubConnectionState.Connected);
    const negotiate = (query: string) =>
      fetch(`${running.endpoint}/client/negotiate?hub=chat&negotiateVersion=1${query}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${clientToken('chat')}` },
      }).then((response) => response.json() as Promise<Record<string, unknown>>);
    expect(await negotiate('&useStatefulReconnect=true')).toMatchObject({
      useStatefulReconnect: true,
    });
    expect(await negotiate('')).not.toHaveProperty('useStatefulReconnect');
  });

  it.each<[string, ClientOptions]>([
    ['JSON', {}],
    ['MessagePack', { messagePack: true }],
  ])(
    '%s: a socket cut mid-stream resumes the same connection; every message arrives once, in order',
    async (_name, options) => {
      const running = await emulator({ keepAliveIntervalMs: 500 });
      const proxy = await cuttableProxy(running.port);
      const app = await negotiateApp(running, 'chat', proxy.endpoint);
      const client = await connect(app, WS, 'alice', 'newMessage', {
        ...options,
        statefulReconnect: true,
      });
      const connectionId = client.connection.connectionId;
      let reconnecting = false;
      client.connection.onreconnecting(() => (reconnecting = true));

      for (let value = 1; value <= 60; value++) await send(running, value);
      proxy.cut(); // some of these are still in the sockets' buffers: lost on the wire
      await proxy.waitForHeldConnection(); // the client is trying to come back
      for (let value = 61; value <= 120; value++) await send(running, value); // while it is away
      proxy.restore();
      for (let value = 121; value <= 180; value++) await send(running, value);

      await client.inbox.waitFor(180, 10_000);
      expect(client.inbox.messages).toEqual(range(1, 180));
      expect(client.connection.connectionId).toBe(connectionId);
      expect(client.connection.state).toBe(signalR.HubConnectionState.Connected);
      expect(reconnecting).toBe(false); // resumed underneath: no new connection was needed
      expect(running.connectionCount()).toBe(1);
      const exists = await rest(
        running,
        'HEAD',
        `/api/hubs/chat/connections/${connectionId}${API}`,
      );
      expect(exists.status).toBe(200);
    },
  );

  it('resumes a client that invokes the upstream, without doubling its invocations', async () => {
    const upstream = await upstreamServer((request, response) => {
      if (!request.path.endsWith('/echo')) return void response.writeHead(200).end();
      response.writeHead(200, { 'Content-Type': 'application/json' });
      const id = request.json?.invocationId;
      const [value] = request.json?.arguments as unknown[];
      response.end(`${JSON.stringify({ type: 3, invocationId: id, result: value })}\x1e`);
    });
    const running = await emulator({
      upstream: [{ urlTemplate: `${upstream.url}/upstream/{hub}/{category}/{event}` }],
    });
    const proxy = await cuttableProxy(running.port);
    const app = await negotiateApp(running, 'chat', proxy.endpoint);
    const client = await connect(app, WS, 'alice', 'newMessage', { statefulReconnect: true });
    await expect(client.connection.invoke('echo', 1)).resolves.toBe(1);
    proxy.cut();
    await proxy.waitForHeldConnection();
    // Sent while the socket is down: the client holds it and sends it after the Sequence.
    const pending = client.connection.invoke('echo', 2);
    proxy.restore();
    await expect(pending).resolves.toBe(2);
    await expect(client.connection.invoke('echo', 3)).resolves.toBe(3);
    const echoes = upstream.requests.filter((request) => request.path.endsWith('/echo'));
    expect(echoes.map((request) => (request.json?.arguments as unknown[])[0])).toEqual([1, 2, 3]);
  });

  it('ends a stateful connection at once when the client closes its socket properly', async () => {
    const running = await emulator({ statefulReconnectWindowMs: 60_000 });
    const app = await negotiateApp(running);
    const client = await connect(app, WS, 'alice', 'newMessage', { statefulReconnect: true });
    expect(running.connectionCount()).toBe(1);
    await client.connection.stop();
    const deadline = Date.now() + 5_000;
    while (running.connectionCount() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(running.connectionCount()).toBe(0);
  });

  it('ends a connection whose client does not come back within the window', async () => {
    const running = await emulator({ statefulReconnectWindowMs: 300 });
    const proxy = await cuttableProxy(running.port);
    const app = await negotiateApp(running, 'chat', proxy.endpoint);
    const client = await connect(app, WS, 'alice', 'newMessage', { statefulReconnect: true });
    proxy.cut();
    await proxy.waitForHeldConnection();
    const deadline = Date.now() + 5_000;
    while (running.connectionCount() > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(running.connectionCount()).toBe(0);
    proxy.restore(); // too late: the resume is refused and the client closes
    const error = await client.closed;
    expect(error).toBeInstanceOf(Error);
  });
});
