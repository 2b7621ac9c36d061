// The data-plane REST calls this app needs. Node's global fetch (undici) keeps connections
// alive and reuses them across calls, so consecutive sends do not pay a new TCP/TLS handshake.
import type { SignalRConnection } from './connection-string.js';
import { createRestToken } from './tokens.js';

const API_VERSION = '2022-06-01';
export const DEFAULT_REST_TIMEOUT_MS = 5000;

/** Why a call failed: `timeout` and `unreachable` are transient, `rejected` is an answer. */
export type SignalRFailure = 'timeout' | 'unreachable' | 'rejected';

export class SignalRError extends Error {
  override name = 'SignalRError';
  constructor(
    message: string,
    readonly failure: SignalRFailure,
    /** The service's HTTP status when it answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface HubClient {
  /** Every connection of the hub but the `excluded` connection ids. */
  sendToAll(target: string, args: unknown[], excluded?: readonly string[]): Promise<void>;
  sendToUser(userId: string, target: string, args: unknown[]): Promise<void>;
  /** Every connection in the group (of its users and of itself) but the `excluded` ones. */
  sendToGroup(
    group: string,
    target: string,
    args: unknown[],
    excluded?: readonly string[],
  ): Promise<void>;
  /** The user's connections, now and later, are in the group (until removed). */
  addUserToGroup(group: string, userId: string): Promise<void>;
  removeUserFromGroup(group: string, userId: string): Promise<void>;
  /** True when the service has the connection (200), false when it says 404. */
  connectionExists(connectionId: string): Promise<boolean>;
}

export interface HubClientOptions {
  timeoutMs?: number;
}

export function createHubClient(
  connection: SignalRConnection,
  hub: string,
  options: HubClientOptions = {},
): HubClient {
  const timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
  const base = `${connection.serverEndpoint}/api/hubs/${encodeURIComponent(hub.toLowerCase())}`;

  async function call(
    method: 'POST' | 'HEAD' | 'PUT' | 'DELETE',
    path: string,
    options: { body?: unknown; query?: URLSearchParams; accept?: readonly number[] } = {},
  ): Promise<number> {
    const query = new URLSearchParams(options.query);
    query.set('api-version', API_VERSION);
    const url = `${base}${path}?${query.toString()}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${createRestToken(connection, url)}`,
    };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new SignalRError(`SignalR Service did not answer within ${timeoutMs} ms`, 'timeout');
      }
      throw new SignalRError(`SignalR Service is unreachable: ${describe(error)}`, 'unreachable');
    }
    // Drain the body so the kept-alive connection goes back to the pool.
    const text = await response.text().catch(() => '');
    if (!response.ok && !options.accept?.includes(response.status)) {
      throw new SignalRError(
        `SignalR Service answered ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
        'rejected',
        response.status,
      );
    }
    return response.status;
  }

  // The service takes `excluded` as a repeated query parameter, one connection id each.
  const excludedQuery = (excluded: readonly string[]): URLSearchParams =>
    new URLSearchParams(excluded.map((id): [string, string] => ['excluded', id]));

  return {
    sendToAll: async (target, args, excluded = []) => {
      await call('POST', '/:send', {
        body: { target, arguments: args },
        query: excludedQuery(excluded),
      });
    },
    sendToGroup: async (group, target, args, excluded = []) => {
      await call('POST', `/groups/${encodeURIComponent(group)}/:send`, {
        body: { target, arguments: args },
        query: excludedQuery(excluded),
      });
    },
    addUserToGroup: async (group, userId) => {
      await call('PUT', `/users/${encodeURIComponent(userId)}/groups/${encodeURIComponent(group)}`);
    },
    removeUserFromGroup: async (group, userId) => {
      // 404: the service had no such membership, which is what was asked for.
      await call(
        'DELETE',
        `/users/${encodeURIComponent(userId)}/groups/${encodeURIComponent(group)}`,
        { accept: [404] },
      );
    },
    sendToUser: async (userId, target, args) => {
      await call('POST', `/users/${encodeURIComponent(userId)}/:send`, {
        body: { target, arguments: args },
      });
    },
    connectionExists: async (connectionId) => {
      const status = await call('HEAD', `/connections/${encodeURIComponent(connectionId)}`, {
        accept: [404],
      });
      return status !== 404;
    },
  };
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

/**
 * The HTTP status to answer when the service failed: 503 when trying again later may work
 * (no answer, throttled, unavailable), 502 when the service refused the call.
 */
export function statusForSignalRError(error: SignalRError): 502 | 503 {
  if (error.failure !== 'rejected') return 503;
  return error.status === 429 || error.status === 503 ? 503 : 502;
}
