import { GENERAL_ROOM_ID } from '@chat/conversation';

/**
 * Which conversation the address names. `/r/<room id>` for rooms (`/r/general` for #general),
 * `/dm/<user id>` for the direct conversation with that person (its id is the API's business:
 * the app asks POST /api/direct/{userId} for it), `/` for #general.
 */
export type Route = { kind: 'room'; roomId: string } | { kind: 'direct'; userId: string };

export const GENERAL_ROUTE: Route = { kind: 'room', roomId: GENERAL_ROOM_ID };

function decoded(segment: string): string | undefined {
  try {
    const value = decodeURIComponent(segment);
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}

/** The route of a pathname; anything unknown is #general. */
export function parseRoute(pathname: string): Route {
  const match = /^\/(r|dm)\/([^/]+)\/?$/.exec(pathname);
  const id = match?.[2] === undefined ? undefined : decoded(match[2]);
  if (!match || id === undefined) return GENERAL_ROUTE;
  return match[1] === 'r' ? { kind: 'room', roomId: id } : { kind: 'direct', userId: id };
}

export function routePath(route: Route): string {
  return route.kind === 'room'
    ? `/r/${encodeURIComponent(route.roomId)}`
    : `/dm/${encodeURIComponent(route.userId)}`;
}

export function sameRoute(a: Route, b: Route): boolean {
  return routePath(a) === routePath(b);
}
