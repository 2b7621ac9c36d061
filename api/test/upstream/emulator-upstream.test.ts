// The whole path with nothing simulated: official clients negotiate through the local Functions
// host, the emulator sends its own signed upstream events to the host's upstream route, presence
// lives in Azurite, and the pushes come back through the emulator.
import { HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { PortInUseError, startFunctionsHost, type RunningFunctionsHost } from 'functions-host';
import { startEmulator, type RunningEmulator } from 'signalr-emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TYPING_EVENT,
  USER_JOINED_EVENT,
  USER_LEFT_EVENT,
  type OnlinePerson,
  type PresenceList,
  type TypingNotice,
  type UserLeft,
} from '../../src/shared/chat-message.js';
import { parseConnectionString } from '../../src/signalr/connection-string.js';
import { createHubClient } from '../../src/signalr/rest-client.js';
import { API_DIR } from '../integration/stack.js';
import { startChildClient, type ChildClient } from '../presence/child-client.js';
import { MARKER_EVENT, Recorder, uniqueUser } from '../presence/stack.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { principalHeader, type TestUser } from '../support/requests.js';
import { freePort } from '../support/free-port.js';

const EVENTS = [USER_JOINED_EVENT, USER_LEFT_EVENT, TYPING_EVENT];

let azurite: AzuriteTables;
let emulator: RunningEmulator;
let host: RunningFunctionsHost;
const recorders: Recorder[] = [];
let child: ChildClient | undefined;

// The emulator needs the host's URL for its upstream template and the host needs the
// emulator's connection string, so the host's port is chosen first (retried if taken).
async function startWired(): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    const port = await freePort();
    emulator = await startEmulator({
      port: 0,
      log: () => undefined,
      upstream: [
        { urlTemplate: `http://127.0.0.1:${port}/api/signalr/upstream/{hub}/{category}/{event}` },
      ],
    });
    try {
      host = await startFunctionsHost({
        appDir: API_DIR,
        port,
        env: {
          AzureSignalRConnectionString: emulator.connectionString,
          ChatStorageConnectionString: azurite.connectionString,
        },
        log: () => undefined,
      });
      return;
    } catch (error) {
      await emulator.close();
      if (!(error instanceof PortInUseError) || attempt >= 2) throw error;
    }
  }
}

beforeAll(async () => {
  azurite = await startAzurite();
  await startWired();
});

afterAll(async () => {
  child?.kill();
  await Promise.all(recorders.splice(0).map((r) => r.connection.stop().catch(() => undefined)));
  await host?.close();
  await emulator?.close();
  await azurite?.stop();
});

async function open(user: TestUser): Promise<Recorder> {
  const connection = new HubConnectionBuilder()
    .withUrl(`${host.url}/api`, { headers: { 'x-ms-client-principal': principalHeader(user) } })
    .configureLogging(LogLevel.None)
    .build();
  const recorder = new Recorder(connection, user, EVENTS);
  await connection.start();
  recorders.push(recorder);
  return recorder;
}

async function onlineIds(user: TestUser): Promise<string[]> {
  const response = await fetch(`${host.url}/api/presence`, {
    headers: { 'x-ms-client-principal': principalHeader(user) },
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as PresenceList).people.map((p) => p.id).sort();
}

async function barrier(targets: Recorder[]): Promise<void> {
  const marker = `m-${Math.random()}`;
  await createHubClient(parseConnectionString(emulator.connectionString), 'chat').sendToAll(
    MARKER_EVENT,
    [marker],
  );
  await Promise.all(targets.map((r) => r.waitForEvent<string>(MARKER_EVENT, (m) => m === marker)));
}

const joined = (id: string) => (person: OnlinePerson) => person.id === id;

describe('presence and typing through the emulator upstream', () => {
  it('sees people come and go, and relays typing to the right people only', async () => {
    const carol = uniqueUser('carol');
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');

    const carol1 = await open(carol);
    await carol1.waitForEvent(USER_JOINED_EVENT, joined(carol.userId));
    const alice1 = await open(alice);
    const alice2 = await open(alice);
    const bob1 = await open(bob);
    await carol1.waitForEvent(USER_JOINED_EVENT, joined(alice.userId));
    await carol1.waitForEvent(USER_JOINED_EVENT, joined(bob.userId));
    expect(await onlineIds(carol)).toEqual([alice.userId, bob.userId, carol.userId].sort());

    // Room typing from one of alice's tabs: bob and carol, not alice's other tab.
    await alice1.connection.send('typing', {});
    await bob1.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.user.id === alice.userId);
    await carol1.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.user.id === alice.userId);
    // Private typing, as an invocation with an id: it completes, and only bob hears it.
    await alice2.connection.invoke('typing', { recipient: bob.userId });
    await bob1.waitForEvent<TypingNotice>(TYPING_EVENT, (n) => n.recipient === bob.userId);
    await barrier([alice1, alice2, bob1, carol1]);
    expect(alice1.of(TYPING_EVENT)).toEqual([]);
    expect(alice2.of(TYPING_EVENT)).toEqual([]);
    expect(carol1.of<TypingNotice>(TYPING_EVENT)).toEqual([
      { user: { id: alice.userId, name: 'alice' }, conversationId: 'general' },
    ]);
    // A method the hub does not have fails the client's invoke instead of hanging it.
    await expect(alice1.connection.invoke('shout', 'hi')).rejects.toThrow();

    // One of alice's tabs closing keeps her online; bob leaving is announced.
    await alice1.connection.stop();
    await bob1.connection.stop();
    await carol1.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === bob.userId);
    await barrier([carol1]);
    expect(carol1.of<UserLeft>(USER_LEFT_EVENT).map((l) => l.id)).not.toContain(alice.userId);
    expect(await onlineIds(carol)).toEqual([alice.userId, carol.userId].sort());

    await alice2.connection.stop();
    await carol1.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === alice.userId);
    expect(await onlineIds(carol)).toEqual([carol.userId]);
  });

  it("a killed client goes offline through the service's own disconnected event", async () => {
    const dave = uniqueUser('dave');
    const erin = uniqueUser('erin');
    const watcher = await open(erin);
    const negotiated = await fetch(`${host.url}/api/negotiate?negotiateVersion=1`, {
      method: 'POST',
      headers: { 'x-ms-client-principal': principalHeader(dave) },
    });
    const { url, accessToken } = (await negotiated.json()) as { url: string; accessToken: string };
    child = await startChildClient(url, accessToken);
    await watcher.waitForEvent(USER_JOINED_EVENT, joined(dave.userId));
    child.kill();
    // The default 60 s verification window is not involved: the emulator notices the dead
    // socket and sends connections/disconnected upstream.
    await watcher.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === dave.userId);
    expect(await onlineIds(erin)).not.toContain(dave.userId);
  });
});
