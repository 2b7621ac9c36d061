// Signs in alice, bob and carol against a running local stack (`npm run emulator`, `npm run api`),
// connects three official SignalR clients through /api, and checks the chat's promises:
// public reaches all, private reaches only bob and alice. Then times a few sends end to end.
//   npx tsx api/scripts/chat-demo.ts [--api http://127.0.0.1:7071] [--count 20]
import { parseArgs } from 'node:util';
import { HubConnectionBuilder, LogLevel, type HubConnection } from '@microsoft/signalr';
import { NEW_MESSAGE_EVENT, type ChatMessage } from '../src/shared/chat-message.js';

const { values } = parseArgs({
  options: {
    api: { type: 'string', default: 'http://127.0.0.1:7071' },
    count: { type: 'string', default: '20' },
  },
});
const apiBase = `${values.api.replace(/\/+$/, '')}/api`;
// Stay under the default rate limit (10 per 10 s per person) by spreading sends over people.
const count = Math.max(1, Number(values.count) || 20);

const principal = (name: string): string =>
  Buffer.from(
    JSON.stringify({
      identityProvider: 'github',
      userId: `${name}-demo`,
      userDetails: name,
      userRoles: ['anonymous', 'authenticated'],
    }),
  ).toString('base64');

interface Person {
  name: string;
  id: string;
  connection: HubConnection;
  received: ChatMessage[];
  listeners: Set<(message: ChatMessage) => void>;
}

async function signIn(name: string): Promise<Person> {
  const connection = new HubConnectionBuilder()
    .withUrl(apiBase, { headers: { 'x-ms-client-principal': principal(name) } })
    .configureLogging(LogLevel.Warning)
    .build();
  const person: Person = {
    name,
    id: `${name}-demo`,
    connection,
    received: [],
    listeners: new Set(),
  };
  connection.on(NEW_MESSAGE_EVENT, (message: ChatMessage) => {
    person.received.push(message);
    for (const listener of person.listeners) listener(message);
  });
  await connection.start();
  return person;
}

function arrival(person: Person, id: string, timeoutMs = 5000): Promise<ChatMessage> {
  const seen = person.received.find((m) => m.id === id);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${person.name} did not get ${id}`)),
      timeoutMs,
    );
    const listener = (message: ChatMessage): void => {
      if (message.id !== id) return;
      clearTimeout(timer);
      person.listeners.delete(listener);
      resolve(message);
    };
    person.listeners.add(listener);
  });
}

async function send(
  from: Person,
  body: { text: string; recipient?: string },
): Promise<ChatMessage> {
  const response = await fetch(`${apiBase}/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ms-client-principal': principal(from.name) },
    body: JSON.stringify(body),
  });
  if (response.status !== 202)
    throw new Error(`send failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as ChatMessage;
}

const people = await Promise.all(['alice', 'bob', 'carol'].map(signIn));
const [alice, bob, carol] = people as [Person, Person, Person];
try {
  const hello = await send(alice, { text: 'hello, room' });
  await Promise.all(people.map((p) => arrival(p, hello.id)));
  console.log(`public: "${hello.text}" from ${hello.sender.name} reached alice, bob and carol`);

  const secret = await send(alice, { text: 'psst, bob', recipient: bob.id });
  await Promise.all([arrival(alice, secret.id), arrival(bob, secret.id)]);
  const marker = await send(bob, { text: 'back to everyone' });
  await arrival(carol, marker.id);
  if (carol.received.some((m) => m.id === secret.id))
    throw new Error('carol saw a private message');
  console.log('private: reached bob and alice, not carol');

  const latencies: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const sender = people[i % people.length] as Person;
    const started = performance.now();
    const message = await send(sender, { text: `timing ${i}` });
    await Promise.all(people.map((p) => arrival(p, message.id)));
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number): string =>
    (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  console.log(
    `send -> delivered to all three, ${count} sends: p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`,
  );
} finally {
  await Promise.all(people.map((p) => p.connection.stop()));
}
