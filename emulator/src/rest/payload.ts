import type { IncomingMessage } from 'node:http';
import { HttpError, readBody } from '../http/respond.js';
import { REST_BODY_LIMIT } from '../options.js';
import { MessageType } from '../protocol/hub-protocol.js';
import { OutgoingMessage } from '../protocol/outgoing.js';

function field(body: Record<string, unknown>, name: string): unknown {
  // The .NET SDK writes Target/Arguments, others target/arguments: match case-insensitively.
  for (const [key, value] of Object.entries(body)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** A send body `{target, arguments}`, checked. */
export interface Payload {
  target: string;
  arguments: unknown[];
}

/** Reads a send body; the invocation is serialized once per hub protocol for every target. */
export async function readInvocation(request: IncomingMessage): Promise<OutgoingMessage> {
  const payload = await readPayload(request);
  return new OutgoingMessage({
    type: MessageType.Invocation,
    target: payload.target,
    arguments: payload.arguments,
  });
}

export async function readPayload(request: IncomingMessage): Promise<Payload> {
  const raw = (await readBody(request, REST_BODY_LIMIT)).toString('utf8');
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'Request body is not valid JSON.');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(
      400,
      'Request body must be a JSON object {"target": ..., "arguments": [...]}.',
    );
  }
  const target = field(body as Record<string, unknown>, 'target');
  if (typeof target !== 'string' || target.trim() === '') {
    throw new HttpError(400, 'The "target" field is required and must be a non-empty string.');
  }
  const args = field(body as Record<string, unknown>, 'arguments') ?? [];
  if (!Array.isArray(args)) throw new HttpError(400, 'The "arguments" field must be an array.');
  return { target, arguments: args };
}

/** `excluded` connection ids: repeated parameters and/or comma-separated values. */
export function excludedIds(url: URL): ReadonlySet<string> {
  const ids = new Set<string>();
  for (const value of url.searchParams.getAll('excluded')) {
    for (const id of value.split(',')) if (id.trim() !== '') ids.add(id.trim());
  }
  return ids;
}

/** `minutesToExpire` of a generated token: a whole number >= 1 (int32); 60 when absent. */
export function minutesToExpire(url: URL): number {
  const value = url.searchParams.get('minutesToExpire');
  if (value === null || value === '') return 60;
  if (!/^\d{1,10}$/.test(value) || Number(value) < 1 || Number(value) > 2 ** 31 - 1) {
    throw new HttpError(
      400,
      `Invalid minutesToExpire '${value.slice(0, 40)}': it must be a whole number of minutes, at least 1.`,
    );
  }
  return Number(value);
}

/** `ttl` in seconds: absent means forever. */
export function ttlSeconds(url: URL): number | undefined {
  const value = url.searchParams.get('ttl');
  if (value === null || value === '') return undefined;
  if (!/^\d{1,10}$/.test(value))
    throw new HttpError(
      400,
      `Invalid ttl '${value.slice(0, 40)}': it must be a whole number of seconds.`,
    );
  return Number(value);
}

export function closeReason(url: URL): string | undefined {
  const reason = url.searchParams.get('reason');
  return reason === null || reason === '' ? undefined : reason;
}
