// The upstream route through the local Functions host over real HTTP, as the SignalR Service
// reaches it in Azure: the route template with {hub}/{category}/{event}, no sign-in, the
// signature as the only gate; then GET /api/presence as a signed-in person.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../integration/stack.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { alice, EMULATOR_KEY, principalHeader } from '../support/requests.js';
import { claimsHeader, OTHER_KEY, signatureFor } from './service-requests.js';

let azurite: AzuriteTables;
let stack: Stack;

beforeAll(async () => {
  azurite = await startAzurite();
  stack = await startStack({ ChatStorageConnectionString: azurite.connectionString });
});

afterAll(async () => {
  await stack?.close();
  await azurite?.stop();
});

function postEvent(event: string, connectionId: string, signature: string): Promise<Response> {
  return fetch(`${stack.host.url}/api/signalr/upstream/chat/connections/${event}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-asrs-connection-id': connectionId,
      'x-asrs-hub': 'chat',
      'x-asrs-category': 'connections',
      'x-asrs-event': event,
      'x-asrs-user-id': alice.userId,
      'x-asrs-user-claims': claimsHeader({ id: alice.userId, name: alice.userDetails }),
      'x-asrs-signature': signature,
    },
    body: JSON.stringify({ type: event === 'connected' ? 10 : 11 }),
  });
}

async function onlineIds(): Promise<string[]> {
  const response = await fetch(`${stack.host.url}/api/presence`, {
    headers: { 'x-ms-client-principal': principalHeader(alice) },
  });
  expect(response.status).toBe(200);
  const body = (await response.json()) as { people: { id: string }[] };
  return body.people.map((person) => person.id);
}

describe('upstream through the Functions host', () => {
  it('accepts signed events on the documented route and rejects unsigned ones', async () => {
    const connectionId = 'host-test-connection';
    const forged = await postEvent(
      'connected',
      connectionId,
      signatureFor(connectionId, OTHER_KEY),
    );
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe(
      'invalid_signature',
    );
    expect(await onlineIds()).toEqual([]);

    const signed = await postEvent(
      'connected',
      connectionId,
      signatureFor(connectionId, OTHER_KEY, EMULATOR_KEY),
    );
    expect(signed.status).toBe(200);
    expect(await signed.text()).toBe('');
    expect(await onlineIds()).toEqual([alice.userId]);

    const gone = await postEvent(
      'disconnected',
      connectionId,
      signatureFor(connectionId, EMULATOR_KEY),
    );
    expect(gone.status).toBe(200);
    expect(await onlineIds()).toEqual([]);

    const anonymous = await fetch(`${stack.host.url}/api/presence`);
    expect(anonymous.status).toBe(401);
    const wrongMethod = await fetch(
      `${stack.host.url}/api/signalr/upstream/chat/connections/connected`,
    );
    expect(wrongMethod.status).toBe(405);
  });
});
