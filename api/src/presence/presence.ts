// Who is online, kept as one row per live connection so every function instance agrees.
// A person is online while at least one of their connections is. Joins and leaves are pushed
// to everyone; each decision is re-checked after its push so that, when two instances handle
// the same person at once, the last event pushed matches what storage holds (see README).
import { forEachLimited } from '../for-each-limited.js';
import {
  USER_JOINED_EVENT,
  USER_LEFT_EVENT,
  type OnlinePerson,
  type UserLeft,
} from '../shared/chat-message.js';
import { SignalRError } from '../signalr/rest-client.js';
import type { ConnectionRecord, PresenceTable } from './presence-table.js';

/** What presence needs from the real-time service (the SignalR hub client provides it). */
export interface PresenceHub {
  sendToAll(target: string, args: unknown[], excluded?: readonly string[]): Promise<void>;
  connectionExists(connectionId: string): Promise<boolean>;
}

export interface PresenceOptions {
  /** Rows not confirmed by the service for this long are checked when the list is read. */
  verifyAfterMs: number;
  /** At most this many existence checks per read, so a read stays fast after an outage. */
  maxChecksPerRead?: number;
  now?: () => number;
}

export interface PresenceUser {
  id: string;
  name: string;
}

const CHECK_CONCURRENCY = 8;

/** The online people of a set of connection rows, ordered by name, then id. */
export function onlinePeople(records: readonly ConnectionRecord[]): OnlinePerson[] {
  const byUser = new Map<string, { name: string; since: number; latest: number }>();
  for (const record of records) {
    const person = byUser.get(record.userId);
    if (!person) {
      byUser.set(record.userId, {
        name: record.name,
        since: record.connectedAt,
        latest: record.connectedAt,
      });
      continue;
    }
    person.since = Math.min(person.since, record.connectedAt);
    // The newest connection's name wins: it reflects the latest sign-in.
    if (record.connectedAt >= person.latest) {
      person.latest = record.connectedAt;
      person.name = record.name;
    }
  }
  return [...byUser]
    .map(([id, p]) => ({ id, name: p.name, since: new Date(p.since).toISOString() }))
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function isOlder(a: ConnectionRecord, b: ConnectionRecord): boolean {
  return (
    a.connectedAt < b.connectedAt ||
    (a.connectedAt === b.connectedAt && a.connectionId < b.connectionId)
  );
}

export class Presence {
  private readonly now: () => number;

  constructor(
    private readonly table: PresenceTable,
    private readonly hub: PresenceHub,
    private readonly options: PresenceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A connection arrived: record it; announce the person if it is their oldest connection. */
  async connected(connectionId: string, user: PresenceUser): Promise<void> {
    const at = this.now();
    const record = {
      connectionId,
      userId: user.id,
      name: user.name,
      connectedAt: at,
      verifiedAt: at,
    };
    await this.table.put(record);
    const rows = await this.table.userConnections(user.id);
    // "Oldest", not "only": two tabs connecting at once both see two rows, and exactly the
    // older one announces (or both, harmlessly, if neither saw the other yet).
    const mine = rows.find((row) => row.connectionId === connectionId);
    if (!mine || rows.some((row) => row !== mine && isOlder(row, mine))) return;
    await this.announce(user.id, rows);
  }

  /** A connection ended: forget it; if it was the person's last, say they left. */
  async disconnected(connectionId: string, userId: string): Promise<void> {
    await this.table.remove(userId, connectionId);
    const rows = await this.table.userConnections(userId);
    if (rows.length === 0) await this.announce(userId, rows);
  }

  /** The online list, after checking (and healing) rows the service has not confirmed lately. */
  async list(): Promise<OnlinePerson[]> {
    const rows = await this.table.allConnections();
    const staleBefore = this.now() - this.options.verifyAfterMs;
    const doubtful = rows
      .filter((row) => row.verifiedAt <= staleBefore)
      .sort((a, b) => a.verifiedAt - b.verifiedAt)
      .slice(0, this.options.maxChecksPerRead ?? 50);
    const gone = new Set<ConnectionRecord>();
    await forEachLimited(doubtful, CHECK_CONCURRENCY, async (row) => {
      if ((await this.verify(row)) === 'gone') gone.add(row);
    });
    return onlinePeople(rows.filter((row) => !gone.has(row)));
  }

  /** The connection ids presence knows for a user (typing excludes them all). */
  async connectionsOf(userId: string): Promise<string[]> {
    return (await this.table.userConnections(userId)).map((row) => row.connectionId);
  }

  private async verify(row: ConnectionRecord): Promise<'alive' | 'gone' | 'unknown'> {
    let exists: boolean;
    try {
      exists = await this.hub.connectionExists(row.connectionId);
    } catch (error) {
      // No answer is no evidence: keep the row and check again on a later read.
      if (error instanceof SignalRError) return 'unknown';
      throw error;
    }
    if (exists) {
      await this.table.markVerified(row.userId, row.connectionId, this.now());
      return 'alive';
    }
    try {
      await this.disconnected(row.connectionId, row.userId);
    } catch (error) {
      // The row is gone; only the userLeft push failed. The reader still gets a true list.
      if (!(error instanceof SignalRError)) throw error;
    }
    return 'gone';
  }

  /**
   * Pushes the event matching `rows` (the user's connections as just read), then reads again:
   * if another instance changed the answer meanwhile, the corrected event goes out last.
   */
  private async announce(userId: string, rows: ConnectionRecord[]): Promise<void> {
    let online = rows.length > 0;
    await this.push(userId, rows);
    for (let round = 0; round < 3; round += 1) {
      const again = await this.table.userConnections(userId);
      if (again.length > 0 === online) return;
      online = again.length > 0;
      await this.push(userId, again);
    }
  }

  private async push(userId: string, rows: ConnectionRecord[]): Promise<void> {
    const person = onlinePeople(rows)[0];
    if (person) await this.hub.sendToAll(USER_JOINED_EVENT, [person]);
    else await this.hub.sendToAll(USER_LEFT_EVENT, [{ id: userId } satisfies UserLeft]);
  }
}
