// One test file's world: a real Azurite and a real SignalR emulator, the API's settings pointed
// at them, official clients that record every event they receive, and the two functions.
import { randomUUID } from 'node:crypto';
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import type { HttpResponseInit } from '@azure/functions';
import { startEmulator, type RunningEmulator } from 'signalr-emulator';
import { negotiate } from '../../src/functions/negotiate.js';
import { presence } from '../../src/functions/presence.js';
import { upstream } from '../../src/functions/upstream.js';
import type { OnlinePerson } from '../../src/shared/chat-message.js';
import { parseConnectionString } from '../../src/signalr/connection-string.js';
import { createHubClient, type HubClient } from '../../src/signalr/rest-client.js';
import { startAzurite, type AzuriteTables } from '../support/azurite.js';
import { EMULATOR_KEY, makeContext, makeRequest, type TestUser } from '../support/requests.js';
import {
  upstreamRequest,
  type ServiceUser,
  type UpstreamRequestOptions,
} from '../upstream/service-requests.js';

export const MARKER_EVENT = 'testMarker';

/** Every event one official client received, in order, with waiting by event (not by sleep). */
export class Recorder {
  readonly events: { name: string; arg: unknown }[] = [];
  private waiters: { match: () => boolean; resolve: () => void }[] = [];

  constructor(
    readonly connection: HubConnection,
    readonly user: TestUser,
    names: string[],
  ) {
    for (const name of [...names, MARKER_EVENT]) {
      connection.on(name, (arg: unknown) => {
        this.events.push({ name, arg });
        this.waiters = this.waiters.filter((waiter) => {
          if (!waiter.match()) return true;
          waiter.resolve();
          return false;
        });
      });
    }
  }

  get id(): string {
    return this.connection.connectionId ?? '';
  }

  of<T>(name: string): T[] {
    return this.events.filter((event) => event.name === name).map((event) => event.arg as T);
  }

  waitFor(match: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (match()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      this.waiters.push({
        match,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  waitForEvent<T>(name: string, match: (arg: T) => boolean = () => true): Promise<void> {
    return this.waitFor(() => this.of<T>(name).some(match), `${name} at ${this.user.userId}`);
  }
}

export interface Stack {
  emulator: RunningEmulator;
  azurite: AzuriteTables;
  hub: HubClient;
  /** Sets the API's settings for the next calls (extra settings on top of the defaults). */
  configure(extra?: Record<string, string>): void;
  connect(user: TestUser, events: string[]): Promise<Recorder>;
  /** Calls the upstream function with a request signed as the service signs it. */
  send(category: string, event: string, options: UpstreamRequestOptions): Promise<HttpResponseInit>;
  connected(recorder: Recorder): Promise<HttpResponseInit>;
  disconnected(recorder: Recorder, stop?: boolean): Promise<HttpResponseInit>;
  readPresence(user?: TestUser): Promise<HttpResponseInit>;
  online(user: TestUser): Promise<OnlinePerson[]>;
  /** Broadcasts a marker and waits until every recorder got it: anything sent before arrived. */
  barrier(recorders: Recorder[]): Promise<void>;
  close(): Promise<void>;
}

export const serviceUser = (user: TestUser): ServiceUser => ({
  id: user.userId,
  name: user.userDetails,
});

/** Test users with ids unique to this run, so tests sharing a table never see each other. */
export function uniqueUser(name: string): TestUser {
  return { userId: `${name}-${randomUUID().slice(0, 8)}`, userDetails: name };
}

export async function startStack(): Promise<Stack> {
  const [azurite, emulator] = await Promise.all([startAzurite(), startEmulator({ port: 0 })]);
  const baseEnv = { ...process.env };
  const recorders: Recorder[] = [];
  const hub = createHubClient(parseConnectionString(emulator.connectionString), 'chat');

  const configure = (extra: Record<string, string> = {}): void => {
    process.env = {
      ...baseEnv,
      AzureSignalRConnectionString: emulator.connectionString,
      ChatStorageConnectionString: azurite.connectionString,
      ...extra,
    };
  };
  configure();

  const send: Stack['send'] = (category, event, options) =>
    upstream(upstreamRequest(category, event, options, EMULATOR_KEY), makeContext('upstream'));

  const stack: Stack = {
    emulator,
    azurite,
    hub,
    configure,
    async connect(user, events) {
      const response = await negotiate(
        makeRequest({ user, url: 'http://127.0.0.1/api/negotiate' }),
        makeContext('negotiate'),
      );
      const { url, accessToken } = response.jsonBody as { url: string; accessToken: string };
      const connection = new HubConnectionBuilder()
        .withUrl(url, { accessTokenFactory: () => accessToken })
        .configureLogging(LogLevel.None)
        .build();
      const recorder = new Recorder(connection, user, events);
      await connection.start();
      recorders.push(recorder);
      return recorder;
    },
    send,
    connected: (recorder) =>
      send('connections', 'connected', {
        connectionId: recorder.id,
        user: serviceUser(recorder.user),
      }),
    async disconnected(recorder, stop = true) {
      const connectionId = recorder.id;
      if (stop) await recorder.connection.stop();
      return send('connections', 'disconnected', {
        connectionId,
        user: serviceUser(recorder.user),
        body: { type: 11 },
      });
    },
    readPresence: (user) =>
      presence(
        makeRequest({ ...(user ? { user } : {}), url: 'http://127.0.0.1/api/presence' }),
        makeContext('presence'),
      ),
    async online(user) {
      const response = await stack.readPresence(user);
      if (response.status !== 200) throw new Error(`GET /api/presence answered ${response.status}`);
      return (response.jsonBody as { people: OnlinePerson[] }).people;
    },
    async barrier(targets) {
      const marker = randomUUID();
      await hub.sendToAll(MARKER_EVENT, [marker]);
      await Promise.all(
        targets.map((recorder) => recorder.waitForEvent<string>(MARKER_EVENT, (m) => m === marker)),
      );
    },
    async close() {
      await Promise.all(recorders.splice(0).map((r) => r.connection.stop().catch(() => undefined)));
      process.env = baseEnv;
      await Promise.all([emulator.close(), azurite.stop()]);
    },
  };
  return stack;
}
