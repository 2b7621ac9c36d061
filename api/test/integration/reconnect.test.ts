import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator } from 'signalr-emulator';
import type { ChatMessage } from '../../src/shared/chat-message.js';
import type { Inbox } from '../support/inbox.js';
import { alice, bob } from '../support/requests.js';
import { connectPerson, postMessage, startStack, type Stack } from './stack.js';

let stack: Stack;
let b: Inbox;

beforeAll(async () => {
  stack = await startStack();
  b = await connectPerson(stack.host, bob);
});

afterAll(async () => {
  await b?.connection.stop();
  await stack?.close();
});

const successfulNegotiations = (): number =>
  stack.hostLog.filter((line) => /'negotiate'.*-> 200/.test(line)).length;

it('a client dropped by the service negotiates a fresh token and keeps receiving', async () => {
  const before = (await postMessage(stack.host, alice, { text: 'before' })).body as ChatMessage;
  await b.waitFor((m) => m.id === before.id);
  const negotiationsBefore = successfulNegotiations();

  // Restart the service on the same port: it closes every client with allowReconnect.
  const reconnected = new Promise<void>((resolve) => b.connection.onreconnected(() => resolve()));
  const { port } = stack.emulator;
  await stack.emulator.close();
  stack.emulator = await startEmulator({ port });
  await reconnected;

  // The client went back through /api/negotiate (sending its old service token as
  // Authorization, which the API ignores) and got a new token from the new service.
  expect(successfulNegotiations()).toBeGreaterThan(negotiationsBefore);
  const after = (await postMessage(stack.host, alice, { text: 'after' })).body as ChatMessage;
  expect(await b.waitFor((m) => m.id === after.id)).toMatchObject({ text: 'after' });
});
