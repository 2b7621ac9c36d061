// The registered handlers, called with real HttpRequest/InvocationContext objects, against a
// real SignalR emulator, a real Azurite and official @microsoft/signalr clients.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpResponseInit } from '@azure/functions';
import { startEmulator, type RunningEmulator } from 'signalr-emulator';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../src/functions/messages.js';
import { negotiate } from '../src/functions/negotiate.js';
import type { AcceptedMessage, ChatMessage, MessagePage } from '../src/shared/chat-message.js';
import { startAzurite, type AzuriteTables } from './support/azurite.js';
import { connectInbox, type Inbox } from './support/inbox.js';
import {
  alice,
  bob,
  carol,
  errorOf,
  jsonRequest,
  makeContext,
  makeRequest,
  type TestUser,
} from './support/requests.js';

let emulator: RunningEmulator;
let azurite: AzuriteTables;
const inboxes: Inbox[] = [];
const baseEnv = { ...process.env };

beforeAll(async () => {
  [emulator, azurite] = await Promise.all([startEmulator({ port: 0 }), startAzurite()]);
});

afterEach(async () => {
  await Promise.all(inboxes.splice(0).map((inbox) => inbox.connection.stop()));
  useEmulator();
});

afterAll(async () => {
  await emulator.close();
  await azurite.stop();
});

function useEmulator(extra: Record<string, string> = {}): void {
  process.env = {
    ...baseEnv,
    AzureSignalRConnectionString: emulator.connectionString,
    ChatStorageConnectionString: azurite.connectionString,
    ...extra,
  };
}

async function negotiateAs(user: TestUser): Promise<{ url: string; accessToken: string }> {
  const response = await negotiate(
    makeRequest({ user, url: 'http://127.0.0.1/api/negotiate' }),
    makeContext('negotiate'),
  );
  expect(response.status).toBe(200);
  return response.jsonBody as { url: string; accessToken: string };
}

async function connectAs(user: TestUser): Promise<Inbox> {
  const { url, accessToken } = await negotiateAs(user);
  const inbox = await connectInbox(url, { accessTokenFactory: () => accessToken });
  inboxes.push(inbox);
  return inbox;
}

const send = (user: TestUser | undefined, body: unknown): Promise<HttpResponseInit> =>
  messages(jsonRequest(user, body), makeContext());

describe('negotiate', () => {
  it("returns the hub URL and a token with the caller's identity", async () => {
    useEmulator();
    const { url, accessToken } = await negotiateAs(alice);
    expect(url).toBe(`${emulator.endpoint}/client/?hub=chat`);
    const claims = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as Record<string, unknown>;
    expect(claims['asrs.s.uid']).toBe(alice.userId);
    expect(claims.name).toBe(alice.userDetails);
    expect((claims.exp as number) - (claims.iat as number)).toBe(3600);
  });

  it('honours the configured hub and token lifetime', async () => {
    useEmulator({ SignalRHubName: 'Lobby', SignalRTokenLifetimeSeconds: '120' });
    const { url, accessToken } = await negotiateAs(alice);
    expect(url).toBe(`${emulator.endpoint}/client/?hub=lobby`);
    const claims = JSON.parse(
      Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString(),
    ) as { exp: number; iat: number };
    expect(claims.exp - claims.iat).toBe(120);
  });

  it('answers 401 JSON to anonymous callers, whatever else they send', async () => {
    useEmulator();
    const response = await negotiate(
      makeRequest({
        url: 'http://127.0.0.1/api/negotiate',
        headers: { 'x-ms-client-principal-name': 'alice', authorization: 'Bearer abc.def.ghi' },
      }),
      makeContext('negotiate'),
    );
    expect(response.status).toBe(401);
    expect(errorOf(response).code).toBe('unauthenticated');
  });

  it('answers a JSON 500 naming the setting when the connection string is missing', async () => {
    process.env = { ...baseEnv };
    delete process.env.AzureSignalRConnectionString;
    const response = await negotiate(
      makeRequest({ user: alice, url: 'http://127.0.0.1/api/negotiate' }),
      makeContext('negotiate'),
    );
    expect(response.status).toBe(500);
    expect(errorOf(response).code).toBe('server_misconfigured');
    expect(JSON.stringify(response.jsonBody)).toContain('AzureSignalRConnectionString');
  });

  it('rejects an AAD connection string with a message about AccessKey', async () => {
    useEmulator({ AzureSignalRConnectionString: 'Endpoint=https://x.example;AuthType=azure.msi' });
    const response = await negotiate(
      makeRequest({ user: alice, url: 'http://127.0.0.1/api/negotiate' }),
      makeContext('negotiate'),
    );
    expect(response.status).toBe(500);
    expect(JSON.stringify(response.jsonBody)).toMatch(/AccessKey/);
  });
});

describe('messages', () => {
  it('pushes a public message to every connection, sender taken from the principal', async () => {
    useEmulator();
    const [a, b, c] = await Promise.all([connectAs(alice), connectAs(bob), connectAs(carol)]);
    const response = await send(alice, {
      text: '  hello room  ',
      sender: { id: bob.userId, name: 'bob' },
      isPrivate: true,
    });
    expect(response.status).toBe(202);
    const accepted = response.jsonBody as ChatMessage;
    expect(accepted).toMatchObject({
      text: 'hello room',
      sender: { id: alice.userId, name: alice.userDetails },
      isPrivate: false,
    });
    expect(accepted.recipient).toBeUndefined();
    expect(new Date(accepted.sentAt).toISOString()).toBe(accepted.sentAt);
    for (const inbox of [a, b, c]) {
      expect(await inbox.waitFor((m) => m.id === accepted.id)).toEqual(accepted);
    }
  });

  it("delivers a private message to the recipient and the sender's tabs only", async () => {
    useEmulator();
    const [aliceTab1, aliceTab2, b, c] = await Promise.all([
      connectAs(alice),
      connectAs(alice),
      connectAs(bob),
      connectAs(carol),
    ]);
    const secret = await send(alice, { text: 'psst', recipient: bob.userId });
    expect(secret.status).toBe(202);
    const message = secret.jsonBody as ChatMessage;
    expect(message).toMatchObject({ isPrivate: true, recipient: { id: bob.userId } });
    for (const inbox of [aliceTab1, aliceTab2, b]) {
      expect(await inbox.waitFor((m) => m.id === message.id)).toEqual(message);
    }

    // Messages to one connection arrive in order: once carol has a later public message,
    // the private one would have arrived before it if it had been sent to her.
    const later = (await send(bob, { text: 'hi all' })).jsonBody as ChatMessage;
    await c.waitFor((m) => m.id === later.id);
    expect(c.withId(message.id)).toEqual([]);
    expect(b.withId(message.id)).toHaveLength(1);
  });

  it('keeps a client-chosen id so a retry is recognisably the same message', async () => {
    useEmulator();
    const b = await connectAs(bob);
    const id = randomUUID();
    const first = await send(alice, { text: 'once', id: id.toUpperCase() });
    const retry = await send(alice, { text: 'once', id });
    expect((first.jsonBody as ChatMessage).id).toBe(id);
    expect((retry.jsonBody as ChatMessage).id).toBe(id);
    await b.waitFor((m) => m.id === id);
  });

  it('sends a note to oneself once', async () => {
    useEmulator();
    const a = await connectAs(alice);
    const note = (await send(alice, { text: 'note', recipient: alice.userId }))
      .jsonBody as ChatMessage;
    const marker = (await send(alice, { text: 'marker' })).jsonBody as ChatMessage;
    await a.waitFor((m) => m.id === marker.id);
    expect(a.withId(note.id)).toHaveLength(1);
  });

  it('rate-limits per user with 429 and Retry-After', async () => {
    useEmulator({ ChatRateLimitCount: '3', ChatRateLimitWindowSeconds: '30' });
    const dave = { userId: `dave-${randomUUID()}`, userDetails: 'dave' };
    for (let i = 0; i < 3; i += 1) expect((await send(dave, { text: `m${i}` })).status).toBe(202);
    const limited = await send(dave, { text: 'one too many' });
    expect(limited.status).toBe(429);
    expect(errorOf(limited).code).toBe('rate_limited');
    const retryAfter = Number((limited.headers as Record<string, string>)['retry-after']);
    // The shared limiter counts in twentieths of the window: up to 1.5 s more than 30 s.
    expect(retryAfter).toBeGreaterThanOrEqual(29);
    expect(retryAfter).toBeLessThanOrEqual(32);
    // Someone else is not affected.
    expect((await send(carol, { text: 'still fine' })).status).toBe(202);
  });

  it('answers 401 to anonymous senders', async () => {
    useEmulator();
    const response = await send(undefined, { text: 'hi', sender: { id: alice.userId } });
    expect(response.status).toBe(401);
  });
});

describe('when SignalR fails after the message is stored', () => {
  let server: Server | undefined;
  afterEach(async () => {
    if (server) await new Promise((resolve) => server?.close(resolve));
    server = undefined;
  });

  async function fakeService(status: number): Promise<string> {
    server = createServer((request, response) => {
      request.resume();
      response.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return `Endpoint=http://127.0.0.1;Port=${(server.address() as AddressInfo).port};AccessKey=k;Version=1.0;`;
  }

  async function expectAcceptedButNotDelivered(response: HttpResponseInit): Promise<void> {
    expect(response.status).toBe(202);
    const { delivered, ...message } = response.jsonBody as AcceptedMessage;
    expect(delivered).toBe(false);
    const timeline = await messages(
      makeRequest({ user: bob, method: 'GET', url: 'http://127.0.0.1/api/messages?limit=200' }),
      makeContext(),
    );
    expect(timeline.status).toBe(200);
    expect((timeline.jsonBody as MessagePage).messages).toContainEqual(message);
  }

  it('answers 202 with delivered: false when the service cannot be reached', async () => {
    const stopped = await startEmulator({ port: 0 });
    const connectionString = stopped.connectionString;
    await stopped.close();
    useEmulator({ AzureSignalRConnectionString: connectionString });
    await expectAcceptedButNotDelivered(await send(alice, { text: 'lost?' }));
  });

  it('answers 202 with delivered: false when the service refuses the call', async () => {
    useEmulator({ AzureSignalRConnectionString: await fakeService(401) });
    await expectAcceptedButNotDelivered(await send(alice, { text: 'refused' }));
  });

  it('answers 202 with delivered: false when the service is unavailable', async () => {
    useEmulator({ AzureSignalRConnectionString: await fakeService(503) });
    await expectAcceptedButNotDelivered(await send(alice, { text: 'busy' }));
  });
});

describe('when storage is misconfigured', () => {
  it('refuses to send with a JSON 500 naming the setting', async () => {
    useEmulator();
    delete process.env.ChatStorageConnectionString;
    const response = await send(alice, { text: 'where to?' });
    expect(response.status).toBe(500);
    expect(errorOf(response).code).toBe('server_misconfigured');
    expect(JSON.stringify(response.jsonBody)).toContain('ChatStorageConnectionString');
  });

  it('still lets people connect (the directory is best effort)', async () => {
    useEmulator({ ChatStorageConnectionString: 'not a connection string' });
    await negotiateAs(alice);
  });
});
