import type { IncomingMessage } from 'node:http';
import { signHs256 } from '../auth/jwt.js';
import type { HubLifetimeManager } from '../lifetime/hub-lifetime-manager.js';
import { checkName } from '../names.js';
import type { ResolvedOptions } from '../options.js';
import { listingPage } from './listing.js';
import {
  closeReason,
  excludedIds,
  minutesToExpire,
  readInvocation,
  readPayload,
  ttlSeconds,
} from './payload.js';

export interface RestRequest {
  request: IncomingMessage;
  url: URL;
  hub: string;
  params: Record<string, string>;
  lifetime: HubLifetimeManager;
  options: ResolvedOptions;
  /** The port the emulator listens on. */
  port: number;
}

export interface RestResult {
  status: number;
  /** For errors: the service's `x-ms-error-code`. */
  errorCode?: string;
  message?: string;
  /** A JSON response body. */
  body?: unknown;
}

const accepted: RestResult = { status: 202 };
const ok: RestResult = { status: 200 };
const noContent: RestResult = { status: 204 };

const user = (r: RestRequest) => checkName('user id', r.params.user ?? '');
const group = (r: RestRequest) => checkName('group name', r.params.group ?? '');
const connection = (r: RestRequest) => checkName('connection id', r.params.connection ?? '');

function notFound(errorCode: string, message: string): RestResult {
  return { status: 404, errorCode, message };
}

const connectionMissing = (id: string) =>
  notFound('Warning.Connection.NotExisted', `Connection '${id}' does not exist.`);

/** Each data-plane operation: a small function over the lifetime manager. */
export const operations = {
  async broadcast(r: RestRequest): Promise<RestResult> {
    const message = await readInvocation(r.request);
    r.lifetime.sendAll(r.hub, message, excludedIds(r.url));
    return accepted;
  },

  async sendToUser(r: RestRequest): Promise<RestResult> {
    const id = user(r);
    const message = await readInvocation(r.request);
    r.lifetime.sendUser(r.hub, id, message);
    return accepted;
  },

  async sendToConnection(r: RestRequest): Promise<RestResult> {
    const id = connection(r);
    const message = await readInvocation(r.request);
    r.lifetime.sendConnection(r.hub, id, message);
    return accepted;
  },

  async sendToGroup(r: RestRequest): Promise<RestResult> {
    const name = group(r);
    const message = await readInvocation(r.request);
    r.lifetime.sendGroup(r.hub, name, message, excludedIds(r.url));
    return accepted;
  },

  addConnectionToGroup(r: RestRequest): RestResult {
    const id = connection(r);
    return r.lifetime.addConnectionToGroup(r.hub, group(r), id) ? ok : connectionMissing(id);
  },

  removeConnectionFromGroup(r: RestRequest): RestResult {
    const id = connection(r);
    return r.lifetime.removeConnectionFromGroup(r.hub, group(r), id) ? ok : connectionMissing(id);
  },

  removeConnectionFromAllGroups(r: RestRequest): RestResult {
    r.lifetime.removeConnectionFromAllGroups(r.hub, connection(r));
    return ok;
  },

  addUserToGroup(r: RestRequest): RestResult {
    const ttl = ttlSeconds(r.url);
    // ttl=0 means: only the user's current connections join, nothing is remembered.
    if (ttl === 0) r.lifetime.addUserConnectionsToGroup(r.hub, group(r), user(r));
    else r.lifetime.addUserToGroup(r.hub, group(r), user(r), ttl);
    return ok;
  },

  removeUserFromGroup(r: RestRequest): RestResult {
    r.lifetime.removeUserFromGroup(r.hub, group(r), user(r));
    return noContent;
  },

  removeUserFromAllGroups(r: RestRequest): RestResult {
    r.lifetime.removeUserFromAllGroups(r.hub, user(r));
    return noContent;
  },

  connectionExists(r: RestRequest): RestResult {
    const id = connection(r);
    return r.lifetime.connection(r.hub, id) ? ok : connectionMissing(id);
  },

  userExists(r: RestRequest): RestResult {
    const id = user(r);
    return r.lifetime.userExists(r.hub, id)
      ? ok
      : notFound('Warning.User.NotExisted', `User '${id}' has no connection.`);
  },

  groupExists(r: RestRequest): RestResult {
    const name = group(r);
    return r.lifetime.groupExists(r.hub, name)
      ? ok
      : notFound('Warning.Group.NotExisted', `Group '${name}' has no connection.`);
  },

  userInGroup(r: RestRequest): RestResult {
    const id = user(r);
    const name = group(r);
    return r.lifetime.userInGroup(r.hub, name, id)
      ? ok
      : notFound('Info.User.NotInGroup', `User '${id}' is not in group '${name}'.`);
  },

  closeConnection(r: RestRequest): RestResult {
    r.lifetime.closeConnection(r.hub, connection(r), closeReason(r.url));
    return ok;
  },

  closeAll(r: RestRequest): RestResult {
    r.lifetime.closeAll(r.hub, excludedIds(r.url), closeReason(r.url));
    return noContent;
  },

  closeGroup(r: RestRequest): RestResult {
    r.lifetime.closeGroup(r.hub, group(r), excludedIds(r.url), closeReason(r.url));
    return noContent;
  },

  closeUser(r: RestRequest): RestResult {
    r.lifetime.closeUser(r.hub, user(r), excludedIds(r.url), closeReason(r.url));
    return noContent;
  },

  /** 2023-07-01: a client token for the hub, as the server SDKs mint it. */
  generateToken(r: RestRequest): RestResult {
    const userId = r.url.searchParams.get('userId');
    if (userId !== null) checkName('user id', userId);
    const now = Math.floor(r.options.clock() / 1000);
    const claims: Record<string, unknown> = {
      aud: `http://localhost:${r.port}/client/?hub=${r.hub.toLowerCase()}`,
      iat: now,
      nbf: now,
      exp: now + minutesToExpire(r.url) * 60,
    };
    if (userId !== null) claims['asrs.s.uid'] = userId;
    return { status: 200, body: { token: signHs256(claims, r.options.accessKey) } };
  },

  /** 2024-12-01: the connections of a group (added one by one or as a member user's), paged. */
  listConnectionsInGroup(r: RestRequest): RestResult {
    const connections = r.lifetime.connectionsInGroup(r.hub, group(r));
    return { status: 200, body: listingPage(r.request, r.url, connections) };
  },

  /** 2024-12-01: invokes a client method and answers with what the client returned. */
  async invoke(r: RestRequest): Promise<RestResult> {
    const id = connection(r);
    const payload = await readPayload(r.request);
    const target = r.lifetime.connection(r.hub, id);
    if (!target) return connectionMissing(id);
    const answer = await target.invoke(
      payload.target,
      payload.arguments,
      r.options.clientInvocationTimeoutMs,
    );
    switch (answer.kind) {
      case 'result':
        return { status: 200, body: { result: answer.result } };
      case 'error':
        return {
          status: 400,
          errorCode: 'Error.Connection.InvocationFailed',
          message: `The client's method failed: ${answer.error}`,
        };
      case 'timeout':
        return {
          status: 504,
          errorCode: 'Error.Connection.InvocationTimeout',
          message: answer.error,
        };
      case 'closed':
        return notFound(
          'Warning.Connection.NotExisted',
          `Connection '${id}' ended before it answered: ${answer.error}`,
        );
    }
  },

  notImplemented(r: RestRequest): RestResult {
    return {
      status: 501,
      message: `${r.request.method ?? ''} ${r.url.pathname} is in the service's API but not implemented by the emulator (see its README).`,
    };
  },
} satisfies Record<string, (r: RestRequest) => RestResult | Promise<RestResult>>;

export type OperationName = keyof typeof operations;
