// Storage unavailable: a send is refused with 503 and nothing is pushed, while people can still
// connect (the directory write at negotiate is best effort).
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChatMessage, MessagePage } from '../../src/shared/chat-message.js';
import { startAzurite } from '../support/azurite.js';
import type { Inbox } from '../support/inbox.js';
import { alice, bob } from '../support/requests.js';
import { connectPerson, getMessages, postMessage, startStack, type Stack } from './stack.js';

let stack: Stack;
let b: Inbox | undefined;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await b?.connection.stop();
  await stack?.close();
});

it('answers 503 and pushes nothing while storage is stopped; works again once it is back', async () => {
  const { port } = stack.azurite;
  await stack.azurite.stop();

  b = await connectPerson(stack.host, bob); // negotiate still answers
  const lostId = randomUUID();
  const refused = await postMessage(stack.host, alice, { id: lostId, text: 'not stored' });
  expect(refused.status).toBe(503);
  expect(refused.body).toMatchObject({ error: { code: 'storage_unavailable' } });
  expect((await getMessages(stack.host, bob)).status).toBe(503);

  stack.azurite = await startAzurite({ port });
  const later = await postMessage(stack.host, alice, { text: 'stored' });
  expect(later.status).toBe(202);
  const laterMessage = later.body as ChatMessage;
  // Messages to one connection arrive in order: the refused one would have come first.
  await b.waitFor((m) => m.id === laterMessage.id);
  expect(b.withId(lostId)).toEqual([]);
  const history = (await getMessages(stack.host, bob)).body as MessagePage;
  expect(history.messages.map((m) => m.id)).toEqual([laterMessage.id]);
});
