import { randomBytes } from 'node:crypto';
import type { HubConnection } from './hub-connection.js';

/** How long a closed long-polling connection still answers polls (with 204) and DELETE. */
const TOMBSTONE_MS = 5_000;

export function newConnectionId(): string {
  return randomBytes(16).toString('base64url');
}

export function newConnectionToken(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * Connections by connection token (the `id` of transport requests), from negotiate until
 * close. A closed long-polling connection lingers briefly so the client's last poll learns
 * that the server ended it instead of getting a 404.
 */
export class ConnectionStore {
  private readonly byToken = new Map<string, HubConnection>();

  add(connection: HubConnection): void {
    this.byToken.set(connection.token, connection);
  }

  get(token: string): HubConnection | undefined {
    return this.byToken.get(token);
  }

  release(connection: HubConnection): void {
    if (connection.transportKind === 'LongPolling') {
      setTimeout(() => this.forget(connection), TOMBSTONE_MS).unref();
    } else {
      this.forget(connection);
    }
  }

  all(): HubConnection[] {
    return [...this.byToken.values()];
  }

  private forget(connection: HubConnection): void {
    if (this.byToken.get(connection.token) === connection) this.byToken.delete(connection.token);
  }
}
