// Acting on messages when something says no: the rate limit (every action takes one), the
// SignalR Service gone after the change is stored (done, `delivered: false`, in history), and
// storage gone (503, nothing changed). One stack, the failures in this order.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChatMessage, MessagePage } from '../../src/shared/chat-message.js';
import { startAzurite } from '../support/azurite.js';
import type { TestUser } from '../support/requests.js';
import { callApi, startStack, type Stack } from './stack.js';

let stack: Stack;
const run = randomUUID().slice(0, 8);
const alice: TestUser = { userId: `alice-${run}`, userDetails: 'alice' };
const bob: TestUser = { userId: `bob-${run}`, userDetails: 'bob' };
const carol: TestUser = { userId: `carol-${run}`, userDetails: 'carol' };

const api = (user: TestUser, method: string, path: string, body?: unknown) =>
  callApi(stack.host, user, method, path, body);
const messagePath = (id: string) => `conversations/general/messages/${id}`;

async function send(user: TestUser, text: string): Promise<ChatMessage> {
  const answer = await api(user, 'POST', 'conversations/general/messages', { text });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body as ChatMessage;
}

async function stored(id: string): Promise<ChatMessage | undefined> {
  const page = (await api(carol, 'GET', 'conversations/general/messages')).body as MessagePage;
  return page.messages.find((m) => m.id === id);
}

beforeAll(async () => {
  stack = await startStack({ ChatRateLimitCount: '3', ChatRateLimitWindowSeconds: '60' });
}, 60_000);

afterAll(async () => {
  await stack?.close();
});

it('counts every action against the sending limit', async () => {
  const message = await send(alice, 'one of three');
  expect((await api(alice, 'PUT', `${messagePath(message.id)}/reactions/👍`)).status).toBe(200);
  expect(
    (await api(alice, 'PATCH', messagePath(message.id), { text: 'two of three' })).status,
  ).toBe(200);
  const before = await stored(message.id);
  for (const [method, path, body] of [
    ['DELETE', messagePath(message.id)],
    ['PATCH', messagePath(message.id), { text: 'four' }],
    ['DELETE', `${messagePath(message.id)}/reactions/👍`],
  ] as const) {
    const limited = await api(alice, method, path, body);
    expect(limited.status, `${method} ${path}`).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  expect(await stored(message.id)).toEqual(before);
  expect(before).toMatchObject({ version: 2, text: 'two of three' });
});

it('keeps a change whose push failed, and says it was not delivered', async () => {
  const message = await send(bob, 'before the service went away');
  const emulator = stack.emulator;
  await emulator.close();
  stack.emulator = { ...emulator, close: async () => undefined };

  const edited = await api(bob, 'PATCH', messagePath(message.id), { text: 'edited meanwhile' });
  expect(edited.status).toBe(200);
  expect(edited.body).toMatchObject({ text: 'edited meanwhile', version: 1, delivered: false });
  expect(await stored(message.id)).toMatchObject({ text: 'edited meanwhile', version: 1 });
});

it('answers 503 and changes nothing while storage is stopped', async () => {
  const message = await send(carol, 'while storage is there');
  const { port } = stack.azurite;
  await stack.azurite.stop();
  try {
    for (const [method, path, body] of [
      ['PATCH', messagePath(message.id), { text: 'lost' }],
      ['DELETE', messagePath(message.id)],
      ['PUT', `${messagePath(message.id)}/reactions/👍`],
    ] as const) {
      const answer = await api(carol, method, path, body);
      expect(answer.status, `${method} ${path}`).toBe(503);
      expect(answer.body).toMatchObject({ error: { code: 'storage_unavailable' } });
    }
  } finally {
    stack.azurite = await startAzurite({ port });
  }
});
