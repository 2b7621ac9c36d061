// Presence end to end below the HTTP host: official clients on a real emulator, the upstream
// function fed with service-signed events for their real connection ids, rows in a real Azurite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  USER_JOINED_EVENT,
  USER_LEFT_EVENT,
  type OnlinePerson,
  type UserLeft,
} from '../../src/shared/chat-message.js';
import { serviceUser, startStack, uniqueUser, type Recorder, type Stack } from './stack.js';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  await stack?.close();
});

const EVENTS = [USER_JOINED_EVENT, USER_LEFT_EVENT];

function onlineIds(people: OnlinePerson[], among: string[]): string[] {
  return people
    .map((person) => person.id)
    .filter((id) => among.includes(id))
    .sort();
}

const joins = (recorder: Recorder, id: string): OnlinePerson[] =>
  recorder.of<OnlinePerson>(USER_JOINED_EVENT).filter((person) => person.id === id);
const leaves = (recorder: Recorder, id: string): UserLeft[] =>
  recorder.of<UserLeft>(USER_LEFT_EVENT).filter((left) => left.id === id);

describe('presence', () => {
  it('follows three people joining and leaving, with several tabs each', async () => {
    stack.configure();
    const alice = uniqueUser('alice');
    const bob = uniqueUser('bob');
    const carol = uniqueUser('carol');
    const everyone = [alice.userId, bob.userId, carol.userId];

    // An observer that is not part of presence sees every event.
    const observer = await stack.connect(uniqueUser('observer'), EVENTS);

    const alice1 = await stack.connect(alice, EVENTS);
    expect((await stack.connected(alice1)).status).toBe(200);
    await observer.waitForEvent<OnlinePerson>(USER_JOINED_EVENT, (p) => p.id === alice.userId);
    const [aliceJoined] = joins(observer, alice.userId);
    expect(aliceJoined).toEqual({ id: alice.userId, name: 'alice', since: expect.any(String) });
    expect(Date.parse(aliceJoined?.since ?? '')).toBeGreaterThan(Date.now() - 60_000);

    // A second tab: still one person, no second announcement.
    const alice2 = await stack.connect(alice, EVENTS);
    await stack.connected(alice2);
    const bob1 = await stack.connect(bob, EVENTS);
    await stack.connected(bob1);
    const carol1 = await stack.connect(carol, EVENTS);
    await stack.connected(carol1);
    await observer.waitForEvent<OnlinePerson>(USER_JOINED_EVENT, (p) => p.id === carol.userId);
    await stack.barrier([observer]);
    expect(joins(observer, alice.userId)).toHaveLength(1);
    expect(joins(observer, bob.userId)).toHaveLength(1);
    // Everyone connected before the announcement hears it, the newcomer's own tabs included.
    await alice1.waitForEvent<OnlinePerson>(USER_JOINED_EVENT, (p) => p.id === carol.userId);

    const people = await stack.online(bob);
    expect(onlineIds(people, everyone)).toEqual([...everyone].sort());
    expect(people.find((p) => p.id === alice.userId)?.since).toBe(aliceJoined?.since);
    expect(people.find((p) => p.id === bob.userId)?.name).toBe('bob');

    // Closing one of alice's tabs keeps her online and says nothing.
    await stack.disconnected(alice1);
    await stack.barrier([observer]);
    expect(leaves(observer, alice.userId)).toHaveLength(0);
    expect(onlineIds(await stack.online(bob), everyone)).toContain(alice.userId);

    // Her last tab: she leaves, and everyone hears it.
    await stack.disconnected(alice2);
    await observer.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === alice.userId);
    await bob1.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === alice.userId);
    expect(onlineIds(await stack.online(bob), everyone)).toEqual([bob.userId, carol.userId].sort());

    await stack.disconnected(bob1);
    await stack.disconnected(carol1);
    await observer.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === carol.userId);
    expect(onlineIds(await stack.online(alice), everyone)).toEqual([]);
    await stack.barrier([observer]);
    for (const id of everyone) expect(leaves(observer, id)).toHaveLength(1);
  });

  it('a repeated disconnected event is harmless, and a returning person joins again', async () => {
    stack.configure();
    const dana = uniqueUser('dana');
    const observer = await stack.connect(uniqueUser('observer'), EVENTS);
    const tab = await stack.connect(dana, EVENTS);
    await stack.connected(tab);
    await stack.disconnected(tab);
    await stack.send('connections', 'disconnected', {
      connectionId: tab.id,
      user: serviceUser(dana),
      body: { type: 11, error: 'Connection closed with an error.' },
    });
    const again = await stack.connect(dana, EVENTS);
    await stack.connected(again);
    await observer.waitFor(() => joins(observer, dana.userId).length === 2, 'dana back');
    await stack.barrier([observer]);
    expect(leaves(observer, dana.userId)).toHaveLength(1);
    expect(onlineIds(await stack.online(dana), [dana.userId])).toEqual([dana.userId]);
  });

  it('converges when the same person connects and disconnects on two instances at once', async () => {
    stack.configure();
    const eve = uniqueUser('eve');
    const observer = await stack.connect(uniqueUser('observer'), EVENTS);
    const first = await stack.connect(eve, EVENTS);
    await stack.connected(first);
    await observer.waitForEvent<OnlinePerson>(USER_JOINED_EVENT, (p) => p.id === eve.userId);
    // Tab 1 closes while tab 2 opens, handled concurrently (as two instances would).
    const second = await stack.connect(eve, EVENTS);
    const firstId = first.id;
    await first.connection.stop();
    await Promise.all([
      stack.send('connections', 'disconnected', { connectionId: firstId, user: serviceUser(eve) }),
      stack.connected(second),
    ]);
    await stack.barrier([observer]);
    // Whatever was pushed, the last word about eve says she is online, as storage does.
    const last = observer.events.filter(
      (e) =>
        (e.name === USER_JOINED_EVENT && (e.arg as OnlinePerson).id === eve.userId) ||
        (e.name === USER_LEFT_EVENT && (e.arg as UserLeft).id === eve.userId),
    );
    expect(last.at(-1)?.name).toBe(USER_JOINED_EVENT);
    expect(onlineIds(await stack.online(eve), [eve.userId])).toEqual([eve.userId]);
  });

  it('heals: a row for a connection the service does not have disappears on read', async () => {
    const ghost = uniqueUser('ghost');
    const frank = uniqueUser('frank');
    stack.configure();
    const observer = await stack.connect(uniqueUser('observer'), EVENTS);
    // A connected event whose disconnected event was lost: the service has no such connection.
    const lost = await stack.send('connections', 'connected', {
      connectionId: `lost-${ghost.userId}`,
      user: serviceUser(ghost),
    });
    expect(lost.status).toBe(200);
    const live = await stack.connect(frank, EVENTS);
    await stack.connected(live);

    // Within the verification window nobody is checked: the ghost is still listed.
    expect(onlineIds(await stack.online(frank), [ghost.userId, frank.userId])).toEqual(
      [frank.userId, ghost.userId].sort(),
    );

    // With every row due for a check, the read asks the service and drops the ghost only.
    stack.configure({ PresenceVerifyAfterSeconds: '0' });
    expect(onlineIds(await stack.online(frank), [ghost.userId, frank.userId])).toEqual([
      frank.userId,
    ]);
    await observer.waitForEvent<UserLeft>(USER_LEFT_EVENT, (l) => l.id === ghost.userId);
    await stack.barrier([observer]);
    expect(leaves(observer, frank.userId)).toHaveLength(0);
    expect(onlineIds(await stack.online(frank), [ghost.userId, frank.userId])).toEqual([
      frank.userId,
    ]);
    stack.configure();
  });

  it('keeps rows it cannot verify while the service is unreachable', async () => {
    const hana = uniqueUser('hana');
    stack.configure();
    await stack.send('connections', 'connected', {
      connectionId: `unverifiable-${hana.userId}`,
      user: serviceUser(hana),
    });
    // Same key, but an endpoint where nothing listens: the HEAD check cannot be answered.
    stack.configure({
      PresenceVerifyAfterSeconds: '0',
      AzureSignalRConnectionString: stack.emulator.connectionString.replace(
        `Port=${stack.emulator.port}`,
        'Port=9',
      ),
    });
    expect(onlineIds(await stack.online(hana), [hana.userId])).toEqual([hana.userId]);
    stack.configure();
  });

  it('announces a person whose two tabs connect at the same moment', async () => {
    stack.configure();
    const ida = uniqueUser('ida');
    const observer = await stack.connect(uniqueUser('observer'), EVENTS);
    const [tab1, tab2] = await Promise.all([
      stack.connect(ida, EVENTS),
      stack.connect(ida, EVENTS),
    ]);
    const answers = await Promise.all([stack.connected(tab1), stack.connected(tab2)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await observer.waitForEvent<OnlinePerson>(USER_JOINED_EVENT, (p) => p.id === ida.userId);
    await stack.barrier([observer]);
    expect(leaves(observer, ida.userId)).toHaveLength(0);
    expect(onlineIds(await stack.online(ida), [ida.userId])).toEqual([ida.userId]);
  });
});
