import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/respond.js';

/**
 * The paged listing of the 2024-12-01 API (`GroupMemberPagedValues`): `{value, nextLink?}`
 * where `nextLink` is an absolute URL the caller GETs for the next page. Connections come in
 * connection-id order, and the continuation token is the last id of the page (base64url), so a
 * page is stable while connections come and go. `maxpagesize` (1-200, default 200) bounds a
 * page, `top` the whole listing: the next link carries what is left of it.
 */

const MAX_PAGE_SIZE = 200;

interface Member {
  readonly id: string;
  readonly userId: string | undefined;
}

export interface GroupMemberPage {
  value: Array<{ connectionId: string; userId?: string }>;
  nextLink?: string;
}

function positiveInteger(url: URL, name: string, max: number): number | undefined {
  const value = url.searchParams.get(name);
  if (value === null || value === '') return undefined;
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new HttpError(
      400,
      `Invalid ${name} '${value.slice(0, 40)}': it must be an integer from 1 to ${max}.`,
    );
  }
  return Number(value);
}

function continuation(url: URL): string | undefined {
  const token = url.searchParams.get('continuationToken');
  if (token === null || token === '') return undefined;
  const id = Buffer.from(token, 'base64url').toString('utf8');
  if (Buffer.from(id, 'utf8').toString('base64url') !== token) {
    throw new HttpError(400, 'Invalid continuationToken: use the nextLink of the previous page.');
  }
  return id;
}

export function listingPage(
  request: IncomingMessage,
  url: URL,
  members: readonly Member[],
): GroupMemberPage {
  const pageSize = positiveInteger(url, 'maxpagesize', MAX_PAGE_SIZE) ?? MAX_PAGE_SIZE;
  const top = positiveInteger(url, 'top', 2 ** 31 - 1);
  const after = continuation(url);
  const sorted = [...members].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const rest = after === undefined ? sorted : sorted.filter((member) => member.id > after);
  const page = rest.slice(0, Math.min(pageSize, top ?? Infinity));
  const body: GroupMemberPage = {
    value: page.map((member) =>
      member.userId === undefined
        ? { connectionId: member.id }
        : { connectionId: member.id, userId: member.userId },
    ),
  };
  const topLeft = top === undefined ? undefined : top - page.length;
  const last = page.at(-1);
  if (last !== undefined && rest.length > page.length && (topLeft === undefined || topLeft > 0)) {
    const next = new URL(url.pathname, `http://${request.headers.host ?? 'localhost'}`);
    for (const [name, value] of url.searchParams) {
      if (name !== 'continuationToken' && name !== 'top') next.searchParams.append(name, value);
    }
    if (topLeft !== undefined) next.searchParams.set('top', String(topLeft));
    next.searchParams.set('continuationToken', Buffer.from(last.id, 'utf8').toString('base64url'));
    body.nextLink = next.toString();
  }
  return body;
}
