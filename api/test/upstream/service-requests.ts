// Upstream requests built exactly as Azure SignalR Service sends them (X-ASRS-* headers, the
// sha256= signature over the connection id, JSON bodies), for driving the upstream function
// until the emulator sends them itself. The signing is done here independently of src/.
import { createHmac } from 'node:crypto';
import functions from '@azure/functions';

const { HttpRequest } = functions;

export const OTHER_KEY = 'ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut';

/** `sha256=<hex>` for each key, comma-separated as the service does with two keys. */
export function signatureFor(connectionId: string, ...keys: string[]): string {
  return keys
    .map(
      (key) =>
        `sha256=${createHmac('sha256', Buffer.from(key, 'utf8')).update(connectionId).digest('hex')}`,
    )
    .join(',');
}

export interface ServiceUser {
  id: string;
  name: string;
}

export interface UpstreamRequestOptions {
  connectionId: string;
  user?: ServiceUser;
  hub?: string;
  /** Keys to sign with (default: the emulator's); or a literal header; null for none. */
  keys?: string[];
  signature?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The claims header as the service writes it: `type: value` pairs joined by ", ". */
export function claimsHeader(user: ServiceUser): string {
  const now = Math.floor(Date.now() / 1000);
  return [
    `asrs.s.uid: ${user.id}`,
    `name: ${user.name}`,
    `nbf: ${now}`,
    `exp: ${now + 3600}`,
    `iat: ${now}`,
  ].join(', ');
}

export function upstreamRequest(
  category: string,
  event: string,
  options: UpstreamRequestOptions,
  defaultKey: string,
): InstanceType<typeof HttpRequest> {
  const hub = options.hub ?? 'chat';
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-asrs-connection-id': options.connectionId,
    'x-asrs-hub': hub,
    'x-asrs-category': category,
    'x-asrs-event': event,
  };
  const signature =
    options.signature === undefined
      ? signatureFor(options.connectionId, ...(options.keys ?? [defaultKey]))
      : options.signature;
  if (signature !== null) headers['x-asrs-signature'] = signature;
  if (options.user) {
    headers['x-asrs-user-id'] = options.user.id;
    headers['x-asrs-user-claims'] = claimsHeader(options.user);
  }
  Object.assign(headers, options.headers);
  const body =
    options.body !== undefined
      ? options.body
      : category === 'connections'
        ? { type: event === 'connected' ? 10 : 11 }
        : undefined;
  return new HttpRequest({
    method: 'POST',
    url: `http://127.0.0.1/api/signalr/upstream/${hub}/${category}/${event}`,
    headers,
    params: { hub, category, event },
    ...(body !== undefined ? { body: { string: JSON.stringify(body) } } : {}),
  });
}

export const typingInvocation = (request?: unknown, invocationId?: string): unknown => ({
  type: 1,
  target: 'typing',
  arguments: request === undefined ? [] : [request],
  ...(invocationId ? { invocationId } : {}),
});
