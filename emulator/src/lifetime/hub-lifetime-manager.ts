import type { HubConnection } from '../connection/hub-connection.js';
import type { OutgoingMessage } from '../protocol/outgoing.js';

/** Time source, injectable so ttl expiry can be reasoned about without sleeping. */
export type Clock = () => number;

/** State of one hub: its connections, users and groups. */
class HubState {
  readonly connections = new Map<string, HubConnection>();
  readonly userConnections = new Map<string, Set<HubConnection>>();
  /** group -> connections added one by one. */
  readonly connectionGroups = new Map<string, Set<HubConnection>>();
  /** The reverse index, so a closing connection leaves its groups without scanning them all. */
  private readonly groupsOfConnection = new Map<HubConnection, Set<string>>();
  /** group -> user -> expiry time in ms (Infinity without ttl). */
  readonly userGroups = new Map<string, Map<string, number>>();

  constructor(private readonly clock: Clock) {}

  usersOfGroup(group: string): string[] {
    const members = this.userGroups.get(group);
    if (!members) return [];
    const now = this.clock();
    const live: string[] = [];
    for (const [user, expiresAt] of members) {
      if (expiresAt > now) live.push(user);
      else members.delete(user);
    }
    if (members.size === 0) this.userGroups.delete(group);
    return live;
  }

  join(group: string, connection: HubConnection): void {
    addTo(this.connectionGroups, group, connection);
    addTo(this.groupsOfConnection, connection, group);
  }

  leave(group: string, connection: HubConnection): void {
    removeFrom(this.connectionGroups, group, connection);
    removeFrom(this.groupsOfConnection, connection, group);
  }

  groupsOf(connection: HubConnection): ReadonlySet<string> {
    return this.groupsOfConnection.get(connection) ?? new Set();
  }

  leaveAll(connection: HubConnection): void {
    for (const group of this.groupsOfConnection.get(connection) ?? []) {
      removeFrom(this.connectionGroups, group, connection);
    }
    this.groupsOfConnection.delete(connection);
  }

  groupRecipients(group: string): Set<HubConnection> {
    const recipients = new Set<HubConnection>(this.connectionGroups.get(group));
    for (const user of this.usersOfGroup(group)) {
      for (const connection of this.userConnections.get(user) ?? []) recipients.add(connection);
    }
    return recipients;
  }
}

function addTo<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  let set = map.get(key);
  if (!set) map.set(key, (set = new Set()));
  set.add(value);
}

function removeFrom<K, V>(map: Map<K, Set<V>>, key: K, value: V): boolean {
  const set = map.get(key);
  if (!set) return false;
  const removed = set.delete(value);
  if (set.size === 0) map.delete(key);
  return removed;
}

/**
 * The one place that decides who receives what: every send and every membership change goes
 * through here. Hub names are case-insensitive (the service lower-cases them); user ids,
 * group names and connection ids are not.
 */
export class HubLifetimeManager {
  private readonly hubs = new Map<string, HubState>();
  private count = 0;

  constructor(private readonly clock: Clock = Date.now) {
    this.emptyHub = new HubState(clock);
  }

  /** An empty, never-filled state answers lookups of hubs nobody uses, so queries allocate nothing. */
  private readonly emptyHub: HubState;

  private hub(name: string): HubState {
    return this.hubs.get(name.toLowerCase()) ?? this.emptyHub;
  }

  private hubForWrite(name: string): HubState {
    const key = name.toLowerCase();
    let state = this.hubs.get(key);
    if (!state) this.hubs.set(key, (state = new HubState(this.clock)));
    return state;
  }

  private dropIfUnused(name: string, hub: HubState): void {
    if (hub.connections.size === 0 && hub.userGroups.size === 0)
      this.hubs.delete(name.toLowerCase());
  }

  connectionCount(): number {
    return this.count;
  }

  add(connection: HubConnection): void {
    const hub = this.hubForWrite(connection.hub);
    if (hub.connections.has(connection.id)) return;
    hub.connections.set(connection.id, connection);
    if (connection.userId !== undefined) addTo(hub.userConnections, connection.userId, connection);
    this.count++;
  }

  remove(connection: HubConnection): void {
    const hub = this.hub(connection.hub);
    if (hub.connections.get(connection.id) !== connection) return;
    hub.connections.delete(connection.id);
    if (connection.userId !== undefined)
      removeFrom(hub.userConnections, connection.userId, connection);
    hub.leaveAll(connection);
    this.count--;
    this.dropIfUnused(connection.hub, hub);
  }

  // --- sends -------------------------------------------------------------------------------

  sendAll(hubName: string, message: OutgoingMessage, excluded: ReadonlySet<string>): void {
    for (const connection of this.hub(hubName).connections.values()) {
      if (excluded.size === 0 || !excluded.has(connection.id)) connection.send(message);
    }
  }

  sendUser(hubName: string, userId: string, message: OutgoingMessage): void {
    for (const connection of this.hub(hubName).userConnections.get(userId) ?? []) {
      connection.send(message);
    }
  }

  sendConnection(hubName: string, connectionId: string, message: OutgoingMessage): void {
    this.hub(hubName).connections.get(connectionId)?.send(message);
  }

  sendGroup(
    hubName: string,
    group: string,
    message: OutgoingMessage,
    excluded: ReadonlySet<string>,
  ): void {
    for (const connection of this.hub(hubName).groupRecipients(group)) {
      if (!excluded.has(connection.id)) connection.send(message);
    }
  }

  // --- membership --------------------------------------------------------------------------

  connection(hubName: string, connectionId: string): HubConnection | undefined {
    return this.hub(hubName).connections.get(connectionId);
  }

  /** Returns false when the connection does not exist. */
  addConnectionToGroup(hubName: string, group: string, connectionId: string): boolean {
    const hub = this.hub(hubName);
    const connection = hub.connections.get(connectionId);
    if (!connection) return false;
    hub.join(group, connection);
    return true;
  }

  /** Returns false when the connection does not exist. */
  removeConnectionFromGroup(hubName: string, group: string, connectionId: string): boolean {
    const hub = this.hub(hubName);
    const connection = hub.connections.get(connectionId);
    if (!connection) return false;
    hub.leave(group, connection);
    return true;
  }

  removeConnectionFromAllGroups(hubName: string, connectionId: string): void {
    const hub = this.hub(hubName);
    const connection = hub.connections.get(connectionId);
    if (!connection) return;
    hub.leaveAll(connection);
  }

  /** A user's membership outlives its connections and applies to connections made later. */
  addUserToGroup(hubName: string, group: string, userId: string, ttlSeconds?: number): void {
    const hub = this.hubForWrite(hubName);
    let members = hub.userGroups.get(group);
    if (!members) hub.userGroups.set(group, (members = new Map()));
    members.set(userId, ttlSeconds === undefined ? Infinity : this.clock() + ttlSeconds * 1000);
  }

  addUserConnectionsToGroup(hubName: string, group: string, userId: string): void {
    const hub = this.hub(hubName);
    for (const connection of hub.userConnections.get(userId) ?? []) {
      hub.join(group, connection);
    }
  }

  /** Also removes the user's connections that joined the group one by one (e.g. with ttl=0). */
  removeUserFromGroup(hubName: string, group: string, userId: string): void {
    const hub = this.hub(hubName);
    const members = hub.userGroups.get(group);
    members?.delete(userId);
    if (members?.size === 0) hub.userGroups.delete(group);
    for (const connection of [...(hub.userConnections.get(userId) ?? [])]) {
      hub.leave(group, connection);
    }
    this.dropIfUnused(hubName, hub);
  }

  removeUserFromAllGroups(hubName: string, userId: string): void {
    const hub = this.hub(hubName);
    const groups = new Set(hub.userGroups.keys());
    for (const connection of hub.userConnections.get(userId) ?? []) {
      for (const group of hub.groupsOf(connection)) groups.add(group);
    }
    for (const group of groups) this.removeUserFromGroup(hubName, group, userId);
  }

  // --- existence ---------------------------------------------------------------------------

  userExists(hubName: string, userId: string): boolean {
    return (this.hub(hubName).userConnections.get(userId)?.size ?? 0) > 0;
  }

  /** Every connection that a group send reaches, once each. */
  connectionsInGroup(hubName: string, group: string): HubConnection[] {
    return [...this.hub(hubName).groupRecipients(group)];
  }

  groupExists(hubName: string, group: string): boolean {
    return this.hub(hubName).groupRecipients(group).size > 0;
  }

  userInGroup(hubName: string, group: string, userId: string): boolean {
    const hub = this.hub(hubName);
    if (hub.usersOfGroup(group).includes(userId)) return true;
    const members = hub.connectionGroups.get(group);
    return [...(hub.userConnections.get(userId) ?? [])].some((connection) =>
      members?.has(connection),
    );
  }

  // --- closing -----------------------------------------------------------------------------

  closeConnection(hubName: string, connectionId: string, reason: string | undefined): void {
    this.hub(hubName).connections.get(connectionId)?.close(reason, false);
  }

  closeAll(hubName: string, excluded: ReadonlySet<string>, reason: string | undefined): void {
    for (const connection of [...this.hub(hubName).connections.values()]) {
      if (!excluded.has(connection.id)) connection.close(reason, false);
    }
  }

  closeGroup(
    hubName: string,
    group: string,
    excluded: ReadonlySet<string>,
    reason: string | undefined,
  ): void {
    for (const connection of this.hub(hubName).groupRecipients(group)) {
      if (!excluded.has(connection.id)) connection.close(reason, false);
    }
  }

  closeUser(
    hubName: string,
    userId: string,
    excluded: ReadonlySet<string>,
    reason: string | undefined,
  ): void {
    for (const connection of [...(this.hub(hubName).userConnections.get(userId) ?? [])]) {
      if (!excluded.has(connection.id)) connection.close(reason, false);
    }
  }
}
