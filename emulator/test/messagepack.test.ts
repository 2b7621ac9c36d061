import * as signalR from '@microsoft/signalr';
import { decode, encode } from '@msgpack/msgpack';
import { describe, expect, it } from 'vitest';
import { connect, emulator, message, negotiateApp, rest } from './helpers.js';
import { RS, openRaw } from './raw-client.js';
import { upstreamServer } from './upstream-server.js';

const API = '?api-version=2022-06-01';
const { WebSockets, LongPolling, ServerSentEvents } = signalR.HttpTransportType;

/** Arguments that tell the encodings apart: integers and floats, unicode, nesting, null. */
const ARGUMENTS = [
  'héllo 👋',
  42,
  -7,
  3.25,
  2 ** 40,
  true,
  null,
  [1, 'two', { three: 3 }],
  { nested: { list: [false, 0.5], text: 'x'.repeat(300) } },
];

/** A MessagePack frame as the spec lays it out: VarInt length, then the array. */
function msgpackFrame(value: unknown): Buffer {
  const payload = encode(value);
  const prefix: number[] = [];
  let length = payload.length;
  do {
    prefix.push((length & 0x7f) | (length > 0x7f ? 0x80 : 0));
    length >>>= 7;
  } while (length > 0);
  return Buffer.concat([Buffer.from(prefix), Buffer.from(payload)]);
}

/** Reads the frames of a binary chunk back into their arrays. */
function msgpackMessages(chunk: Buffer): unknown[] {
  const messages: unknown[] = [];
  let offset = 0;
  while (offset < chunk.length) {
    let length = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = chunk[offset++] ?? 0;
      length |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    messages.push(decode(chunk.subarray(offset, offset + length)));
    offset += length;
  }
  return messages;
}

describe('MessagePack hub protocol', () => {
  it.each([
    ['WebSockets', WebSockets],
    ['LongPolling', LongPolling],
  ])(
    'MessagePack (%s) and JSON clients receive the same broadcast with equal arguments',
    async (_name, transport) => {
      const running = await emulator();
      const app = await negotiateApp(running);
      const packed = await connect(app, transport, 'mp', 'newMessage', { messagePack: true });
      const json = await connect(app, WebSockets, 'js');
      const response = await rest(running, 'POST', `/api/hubs/chat/:send${API}`, {
        body: message('newMessage', ...ARGUMENTS),
      });
      expect(response.status).toBe(202);
      await packed.inbox.waitFor(ARGUMENTS[0]);
      await json.inbox.waitFor(ARGUMENTS[0]);
      expect(packed.inbox.messages).toEqual([ARGUMENTS]);
      expect(json.inbox.messages).toEqual([ARGUMENTS]);
      expect(packed.connection.state).toBe(signalR.HubConnectionState.Connected);
    },
  );

  it('delivers user and group sends and a REST close to a MessagePack client', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    const client = await connect(app, WebSockets, 'mp', 'newMessage', { messagePack: true });
    const id = client.connection.connectionId ?? '';
    await rest(running, 'POST', `/api/hubs/chat/users/mp/:send${API}`, {
      body: message('newMessage', 'to the user'),
    });
    await rest(running, 'PUT', `/api/hubs/chat/groups/room/connections/${id}${API}`);
    await rest(running, 'POST', `/api/hubs/chat/groups/room/:send${API}`, {
      body: message('newMessage', 'to the group'),
    });
    await client.inbox.waitFor('to the group');
    expect(client.inbox.messages).toEqual([['to the user'], ['to the group']]);
    await rest(running, 'DELETE', `/api/hubs/chat/connections/${id}${API}&reason=bye`);
    const error = await client.closed;
    expect(error?.message).toMatch(/bye/);
  });

  it('is refused over Server-Sent Events, which carries text only', async () => {
    const running = await emulator();
    const app = await negotiateApp(running);
    await expect(
      connect(app, ServerSentEvents, 'mp', 'newMessage', { messagePack: true }),
    ).rejects.toThrow();
    expect(running.connectionCount()).toBe(0);
  });

  it('answers a MessagePack client invocation with the upstream result', async () => {
    const upstream = await upstreamServer((request, response) => {
      if (!request.path.endsWith('/add')) return void response.writeHead(200).end();
      const [a = 0, b = 0] = request.json?.arguments as number[];
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(
        JSON.stringify({ type: 3, invocationId: request.json?.invocationId, result: a + b }) + RS,
      );
    });
    const running = await emulator({
      upstream: [{ urlTemplate: `${upstream.url}/upstream/{hub}/{category}/{event}` }],
    });
    const app = await negotiateApp(running);
    const client = await connect(app, WebSockets, 'mp', 'newMessage', { messagePack: true });
    await expect(client.connection.invoke('add', 2, 40)).resolves.toBe(42);
    const [request] = await upstream.waitFor(1, (r) => r.path.endsWith('/add'));
    // The upstream speaks JSON whatever the client's protocol, without MessagePack's empty headers.
    expect(request?.json).toMatchObject({ type: 1, target: 'add', arguments: [2, 40] });
    expect(request?.json).not.toHaveProperty('headers');
  });

  it('speaks the wire format: VarInt-prefixed arrays in binary frames after a JSON handshake', async () => {
    const running = await emulator({ keepAliveIntervalMs: 60_000 });
    const raw = await openRaw(running);
    const frames: Buffer[] = [];
    raw.socket.on('message', (data: Buffer, isBinary: boolean) => {
      expect(isBinary).toBe(true);
      frames.push(data);
    });
    // The handshake and a first message in one frame, as a client may send them.
    raw.socket.send(
      Buffer.concat([
        Buffer.from(`{"protocol":"messagepack","version":1}${RS}`),
        msgpackFrame([6]),
      ]),
    );
    await raw.nextFrame();
    expect(frames[0]?.toString('utf8')).toBe(`{}${RS}`);
    const big = 'y'.repeat(200); // a length above 127 needs two VarInt bytes
    await rest(running, 'POST', `/api/hubs/chat/:send${API}`, { body: message('m', big, 1.5) });
    await raw.nextFrame();
    expect(msgpackMessages(frames[1] as Buffer)).toEqual([[1, {}, null, 'm', [big, 1.5]]]);
    // Malformed MessagePack closes only this connection, with the reason in a Close message.
    raw.socket.send(Buffer.from([0x03, 0x93, 0xc1, 0xc1]));
    await raw.closed;
    const [close] = msgpackMessages(frames.at(-1) as Buffer) as unknown[][];
    expect(close?.[0]).toBe(7);
    expect(close?.[1]).toMatch(/not valid MessagePack/);
  });

  it('closes a connection whose length prefix announces an oversize message', async () => {
    const running = await emulator({ maxMessageSize: 1024 });
    const raw = await openRaw(running);
    const frames: Buffer[] = [];
    raw.socket.on('message', (data: Buffer) => frames.push(data));
    raw.socket.send(`{"protocol":"messagepack","version":1}${RS}`);
    await raw.nextFrame();
    raw.socket.send(Buffer.from([0xff, 0xff, 0x01])); // 32767 bytes announced
    await raw.closed;
    const [close] = msgpackMessages(frames.at(-1) as Buffer) as unknown[][];
    expect(close?.[1]).toMatch(/maximum size of 1024/);
  });
});
