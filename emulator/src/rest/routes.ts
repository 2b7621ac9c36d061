import type { ApiVersion } from './api-versions.js';
import type { OperationName } from './operations.js';

type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** The api-version that introduced a route; `v1` routes take none. */
export type Since = ApiVersion | 'v1';

/**
 * The data-plane routes of the three API versions (2022-06-01 unless marked) plus the older
 * `/api/v1` send forms.
 */
const ROUTES: ReadonlyArray<readonly [Method, string, OperationName, Since?]> = [
  ['POST', '/api/hubs/{hub}/:generateToken', 'generateToken', '2023-07-01'],
  ['POST', '/api/hubs/{hub}/:execute', 'notImplemented', '2023-07-01'],
  ['GET', '/api/hubs/{hub}/groups/{group}/connections', 'listConnectionsInGroup', '2024-12-01'],
  ['POST', '/api/hubs/{hub}/connections/{connection}/:invoke', 'invoke', '2024-12-01'],
  [
    'POST',
    '/api/hubs/{hub}/connections/{connection}/streams/{stream}/:send',
    'notImplemented',
    '2024-12-01',
  ],
  [
    'POST',
    '/api/hubs/{hub}/connections/{connection}/streams/{stream}/:complete',
    'notImplemented',
    '2024-12-01',
  ],
  ['POST', '/api/hubs/{hub}/:send', 'broadcast'],
  ['POST', '/api/hubs/{hub}/:closeConnections', 'closeAll'],
  ['POST', '/api/hubs/{hub}/users/{user}/:send', 'sendToUser'],
  ['HEAD', '/api/hubs/{hub}/users/{user}', 'userExists'],
  ['POST', '/api/hubs/{hub}/users/{user}/:closeConnections', 'closeUser'],
  ['DELETE', '/api/hubs/{hub}/users/{user}/groups', 'removeUserFromAllGroups'],
  ['PUT', '/api/hubs/{hub}/users/{user}/groups/{group}', 'addUserToGroup'],
  ['DELETE', '/api/hubs/{hub}/users/{user}/groups/{group}', 'removeUserFromGroup'],
  ['HEAD', '/api/hubs/{hub}/users/{user}/groups/{group}', 'userInGroup'],
  ['PUT', '/api/hubs/{hub}/groups/{group}/users/{user}', 'addUserToGroup'],
  ['DELETE', '/api/hubs/{hub}/groups/{group}/users/{user}', 'removeUserFromGroup'],
  ['HEAD', '/api/hubs/{hub}/groups/{group}/users/{user}', 'userInGroup'],
  ['POST', '/api/hubs/{hub}/connections/{connection}/:send', 'sendToConnection'],
  ['HEAD', '/api/hubs/{hub}/connections/{connection}', 'connectionExists'],
  ['DELETE', '/api/hubs/{hub}/connections/{connection}', 'closeConnection'],
  ['DELETE', '/api/hubs/{hub}/connections/{connection}/groups', 'removeConnectionFromAllGroups'],
  ['PUT', '/api/hubs/{hub}/connections/{connection}/groups/{group}', 'addConnectionToGroup'],
  [
    'DELETE',
    '/api/hubs/{hub}/connections/{connection}/groups/{group}',
    'removeConnectionFromGroup',
  ],
  ['POST', '/api/hubs/{hub}/groups/{group}/:send', 'sendToGroup'],
  ['HEAD', '/api/hubs/{hub}/groups/{group}', 'groupExists'],
  ['POST', '/api/hubs/{hub}/groups/{group}/:closeConnections', 'closeGroup'],
  ['PUT', '/api/hubs/{hub}/groups/{group}/connections/{connection}', 'addConnectionToGroup'],
  [
    'DELETE',
    '/api/hubs/{hub}/groups/{group}/connections/{connection}',
    'removeConnectionFromGroup',
  ],
  ['POST', '/api/v1/hubs/{hub}', 'broadcast', 'v1'],
  ['POST', '/api/v1/hubs/{hub}/users/{user}', 'sendToUser', 'v1'],
];

export type RouteMatch =
  | { kind: 'found'; operation: OperationName; since: Since; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: string[] }
  | { kind: 'not-found' };

const PATTERNS = ROUTES.map(([method, pattern, operation, since = '2022-06-01']) => ({
  method,
  operation,
  since,
  segments: pattern.split('/').slice(1),
}));

/** Matches decoded path segments against the route table. */
export function matchRoute(method: string, segments: readonly string[]): RouteMatch {
  const allow = new Set<string>();
  for (const route of PATTERNS) {
    if (route.segments.length !== segments.length) continue;
    const params: Record<string, string> = {};
    const matches = route.segments.every((part, index) => {
      const actual = segments[index] ?? '';
      if (part.startsWith('{')) {
        params[part.slice(1, -1)] = actual;
        return true;
      }
      return part.toLowerCase() === actual.toLowerCase();
    });
    if (!matches) continue;
    if (route.method === method) {
      return { kind: 'found', operation: route.operation, since: route.since, params };
    }
    allow.add(route.method);
  }
  return allow.size > 0 ? { kind: 'method-not-allowed', allow: [...allow] } : { kind: 'not-found' };
}
