import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import type { Inbox } from '../support/inbox.js';
import { alice, bob, carol, principalHeader } from '../support/requests.js';
import { connectPerson, postMessage, startStack, type Stack } from './stack.js';

let stack: Stack;
let a: Inbox, b: Inbox, c: Inbox;

beforeAll(async () => {
  stack = await startStack();
  [a, b, c] = await Promise.all([
    connectPerson(stack.host, alice),
    connectPerson(stack.host, bob),
    connectPerson(stack.host, carol),
  ]);
});

afterAll(async () => {
  await Promise.all([a, b, c].map((inbox) => inbox?.connection.stop()));
  await stack?.close();
});

describe('chat through the local host and the emulator', () => {
  it('serves the chat functions', () => {
    expect([...stack.host.functions]).toEqual(expect.arrayContaining(['messages', 'negotiate']));
  });

  it('delivers a public message to all three with the right sender', async () => {
    const sent = await postMessage(stack.host, alice, { text: 'hello everyone' });
    expect(sent.status).toBe(202);
    const message = sent.body as ChatMessage;
    expect(message).toMatchObject({
      text: 'hello everyone',
      sender: { id: alice.userId, name: alice.userDetails },
      isPrivate: false,
    });
    for (const inbox of [a, b, c]) {
      expect(await inbox.waitFor((m) => m.id === message.id)).toEqual(message);
    }
  });

  it("delivers alice's private message to bob and alice, never to carol", async () => {
    const sent = await postMessage(stack.host, alice, {
      text: 'just for bob',
      recipient: bob.userId,
    });
    expect(sent.status).toBe(202);
    const secret = sent.body as ChatMessage;
    const [toBob, toAlice] = await Promise.all([
      b.waitFor((m) => m.id === secret.id),
      a.waitFor((m) => m.id === secret.id),
    ]);
    for (const received of [toBob, toAlice]) {
      expect(received).toMatchObject({
        isPrivate: true,
        sender: { id: alice.userId },
        recipient: { id: bob.userId },
      });
    }

    // Carol's connection receives in order: a public message sent afterwards arriving first
    // proves the private one was never sent to her.
    const later = (await postMessage(stack.host, bob, { text: 'back to the room' }))
      .body as ChatMessage;
    await c.waitFor((m) => m.id === later.id);
    expect(c.withId(secret.id)).toEqual([]);
  });

  it('ignores a forged sender in the body and in x-ms-client-principal-name', async () => {
    const sent = await postMessage(
      stack.host,
      carol,
      { text: 'I am bob, honest', sender: { id: bob.userId, name: 'bob' } },
      { 'x-ms-client-principal-name': 'bob' },
    );
    expect(sent.status).toBe(202);
    const received = await a.waitFor((m) => m.id === (sent.body as ChatMessage).id);
    expect(received.sender).toEqual({ id: carol.userId, name: carol.userDetails });
  });

  it('answers 401 JSON to anonymous negotiate and send', async () => {
    const negotiate = await fetch(`${stack.host.url}/api/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { 'x-ms-client-principal-name': 'alice' },
    });
    expect(negotiate.status).toBe(401);
    expect(await negotiate.json()).toMatchObject({ error: { code: 'unauthenticated' } });

    const send = await postMessage(stack.host, undefined, { text: 'hi' });
    expect(send.status).toBe(401);
    expect(send.body).toMatchObject({ error: { code: 'unauthenticated' } });
  });

  it('lets the official client fail to start when anonymous', async () => {
    const { HubConnectionBuilder, LogLevel } = await import('@microsoft/signalr');
    const connection = new HubConnectionBuilder()
      .withUrl(`${stack.host.url}/api`)
      .configureLogging(LogLevel.None)
      .build();
    await expect(connection.start()).rejects.toThrow(/401/);
  });

  it('answers 405 to PUT, 401 to anonymous GET, and 4xx, not 5xx, to hostile bodies', async () => {
    const put = await fetch(`${stack.host.url}/api/messages`, { method: 'PUT' });
    expect(put.status).toBe(405);
    const get = await fetch(`${stack.host.url}/api/messages`);
    expect(get.status).toBe(401);
    const deep = await postMessage(
      stack.host,
      alice,
      JSON.parse('['.repeat(3000) + ']'.repeat(3000)),
    );
    expect(deep.status).toBe(400);
    const big = await postMessage(stack.host, alice, { text: 'x'.repeat(20_000) });
    expect(big.status).toBe(413);

    // Chunked, so no Content-Length: the size is checked on the bytes actually read.
    const chunk = new TextEncoder().encode(JSON.stringify({ text: 'y'.repeat(1000) }));
    const chunked = await fetch(`${stack.host.url}/api/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-ms-client-principal': principalHeader(alice),
      },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 30; i += 1) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
  });
});
