import { describe, expect, it } from 'vitest';
import { rejectInServerlessMode } from '../src/connection/client-invocations.js';
import { HubConnection } from '../src/connection/hub-connection.js';
import { HubLifetimeManager } from '../src/lifetime/hub-lifetime-manager.js';
import { MessageType } from '../src/protocol/hub-protocol.js';
import { OutgoingMessage } from '../src/protocol/outgoing.js';
import type { Transport } from '../src/transports/transport.js';

/** A wire that records what it is given: the lifetime manager is tested without sockets. */
class RecordingTransport implements Transport {
  readonly kind = 'WebSockets' as const;
  readonly written: string[] = [];
  write(data: Buffer): void {
    this.written.push(data.toString('utf8'));
  }
  end(): void {}
  drained(): Promise<void> {
    return Promise.resolve();
  }
}

function setup() {
  let now = 1_000_000;
  const lifetime = new HubLifetimeManager(() => now);
  const open = (id: string, userId?: string, hub = 'chat') => {
    const transport = new RecordingTransport();
    const connection = new HubConnection(
      { id, token: `t-${id}`, hub, userId, claims: {}, clientQuery: '' },
      {
        keepAliveIntervalMs: 60_000,
        clientTimeoutMs: 60_000,
        handshakeTimeoutMs: 60_000,
        maxMessageSize: 1024,
        statefulReconnectWindowMs: 60_000,
      },
      rejectInServerlessMode,
      { onConnected: (c) => lifetime.add(c), onClosed: (c) => lifetime.remove(c) },
    );
    connection.attach(transport);
    connection.receive(Buffer.from('{"protocol":"json","version":1}\x1e'));
    // After the handshake reply; an invocation reads as its one argument, anything else as its text.
    const received = () =>
      transport.written.slice(1).map((text) => {
        const message = JSON.parse(text.slice(0, -1)) as { type: number; arguments?: string[] };
        return message.type === 1 ? message.arguments?.[0] : text;
      });
    return { connection, received };
  };
  return { lifetime, open, advance: (ms: number) => (now += ms) };
}

const msg = (text: string) =>
  new OutgoingMessage({ type: MessageType.Invocation, target: 'm', arguments: [text] });

describe('HubLifetimeManager', () => {
  it('delivers a group send once to a connection that is a member twice over', () => {
    const { lifetime, open } = setup();
    const alice = open('a', 'alice');
    lifetime.addConnectionToGroup('chat', 'room', 'a');
    lifetime.addUserToGroup('chat', 'room', 'alice');
    lifetime.sendGroup('chat', 'room', msg('x'), new Set());
    expect(alice.received()).toEqual(['x']);
    alice.connection.close(undefined, false);
  });

  it('expires user memberships at their ttl and keeps those without one', () => {
    const { lifetime, open, advance } = setup();
    const alice = open('a', 'alice');
    const bob = open('b', 'bob');
    lifetime.addUserToGroup('chat', 'room', 'alice', 10);
    lifetime.addUserToGroup('chat', 'room', 'bob');
    advance(9_999);
    expect(lifetime.userInGroup('chat', 'room', 'alice')).toBe(true);
    advance(1);
    expect(lifetime.userInGroup('chat', 'room', 'alice')).toBe(false);
    lifetime.sendGroup('chat', 'room', msg('late'), new Set());
    expect(alice.received()).toEqual([]);
    expect(bob.received()).toEqual(['late']);
    advance(365 * 24 * 3600 * 1000);
    expect(lifetime.userInGroup('chat', 'room', 'bob')).toBe(true);
    for (const client of [alice, bob]) client.connection.close(undefined, false);
  });

  it('forgets a closed connection everywhere and counts only handshaken connections', () => {
    const { lifetime, open } = setup();
    const alice = open('a', 'alice');
    lifetime.addConnectionToGroup('chat', 'room', 'a');
    expect(lifetime.connectionCount()).toBe(1);
    alice.connection.close('bye', false);
    expect(alice.received()).toEqual(['{"type":7,"error":"bye"}\x1e']);
    expect(lifetime.connectionCount()).toBe(0);
    expect(lifetime.userExists('chat', 'alice')).toBe(false);
    expect(lifetime.groupExists('chat', 'room')).toBe(false);
    expect(lifetime.connection('chat', 'a')).toBeUndefined();
  });

  it('removing a user from all groups also takes out its connections that joined one by one', () => {
    const { lifetime, open } = setup();
    const alice = open('a', 'alice');
    const bob = open('b', 'bob');
    lifetime.addUserToGroup('chat', 'remembered', 'alice');
    lifetime.addUserConnectionsToGroup('chat', 'current', 'alice');
    lifetime.addConnectionToGroup('chat', 'current', 'b');
    lifetime.removeUserFromAllGroups('chat', 'alice');
    lifetime.sendGroup('chat', 'remembered', msg('r'), new Set());
    lifetime.sendGroup('chat', 'current', msg('c'), new Set());
    expect(alice.received()).toEqual([]);
    expect(bob.received()).toEqual(['c']);
    expect(lifetime.userInGroup('chat', 'current', 'alice')).toBe(false);
    for (const client of [alice, bob]) client.connection.close(undefined, false);
  });

  it('matches hub names case-insensitively and keeps hubs apart', () => {
    const { lifetime, open } = setup();
    const chat = open('a', 'alice', 'Chat');
    const other = open('b', 'alice', 'other');
    lifetime.sendUser('CHAT', 'alice', msg('x'));
    expect(chat.received()).toEqual(['x']);
    expect(other.received()).toEqual([]);
    for (const client of [chat, other]) client.connection.close(undefined, false);
  });
});
