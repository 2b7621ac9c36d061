// Negotiate writes the directory of people, best effort: a frozen storage delays the answer by
// at most about a second and never fails it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import { alice, principalHeader, type TestUser } from '../support/requests.js';
import { postMessage, startStack, type Stack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  stack?.azurite.resume();
  await stack?.close();
});

async function negotiate(user: TestUser): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${stack.host.url}/api/negotiate?negotiateVersion=1`, {
    method: 'POST',
    headers: { 'x-ms-client-principal': principalHeader(user) },
  });
  await response.arrayBuffer();
  return { status: response.status, ms: performance.now() - started };
}

it('answers negotiate within about a second while storage is frozen, and records people once it is back', async () => {
  const dave = { userId: 'dave-id', userDetails: 'dave the frozen' };
  const erin = { userId: 'erin-id', userDetails: 'erin' };
  // Tables exist before the freeze, so the writes below wait on a silent server.
  expect((await negotiate(erin)).status).toBe(200);

  stack.azurite.pause();
  const frozen = await negotiate(dave);
  expect(frozen.status).toBe(200);
  expect(frozen.ms).toBeLessThan(3000);
  stack.azurite.resume();

  // Erin was written before the freeze: a private message to her carries her name.
  const toErin = await postMessage(stack.host, alice, { text: 'hi erin', recipient: erin.userId });
  expect((toErin.body as ChatMessage).recipient).toEqual({ id: erin.userId, name: 'erin' });

  expect((await negotiate(dave)).status).toBe(200);
  const toDave = await postMessage(stack.host, alice, { text: 'hi dave', recipient: dave.userId });
  expect(toDave.status).toBe(202);
  expect((toDave.body as ChatMessage).recipient).toEqual({
    id: dave.userId,
    name: 'dave the frozen',
  });
});
