// A browser that dies without a goodbye: the client runs in a child process that is killed
// (SIGKILL), so no disconnected event is ever sent. Healing must take the person off the list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { negotiate } from '../../src/functions/negotiate.js';
import {
  USER_JOINED_EVENT,
  USER_LEFT_EVENT,
  type UserLeft,
} from '../../src/shared/chat-message.js';
import { makeContext, makeRequest, type TestUser } from '../support/requests.js';
import { startChildClient, type ChildClient } from './child-client.js';
import { serviceUser, startStack, uniqueUser, type Stack } from './stack.js';

let stack: Stack;
let child: ChildClient | undefined;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  child?.kill();
  await stack?.close();
});

async function connectInChildProcess(user: TestUser): Promise<string> {
  const response = await negotiate(
    makeRequest({ user, url: 'http://127.0.0.1/api/negotiate' }),
    makeContext('negotiate'),
  );
  const { url, accessToken } = response.jsonBody as { url: string; accessToken: string };
  child = await startChildClient(url, accessToken);
  return child.connectionId;
}

async function pollUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('abrupt disconnect', () => {
  it('a killed client leaves the list at the next read after the service notices', async () => {
    stack.configure({ PresenceVerifyAfterSeconds: '0' });
    const ivan = uniqueUser('ivan');
    const observer = await stack.connect(uniqueUser('observer'), [
      USER_JOINED_EVENT,
      USER_LEFT_EVENT,
    ]);
    const connectionId = await connectInChildProcess(ivan);
    await stack.send('connections', 'connected', { connectionId, user: serviceUser(ivan) });
    const isOnline = async (): Promise<boolean> =>
      (await stack.online(ivan)).some((person) => person.id === ivan.userId);
    expect(await isOnline()).toBe(true); // verified with the service: the connection is live

    child?.kill();
    // No event can tell us when the emulator has dropped the socket, so poll the list.
    await pollUntil(async () => !(await isOnline()), 20_000);
    await observer.waitForEvent<UserLeft>(USER_LEFT_EVENT, (left) => left.id === ivan.userId);
  });
});
