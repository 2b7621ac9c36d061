// Turns one upstream request (route values, X-ASRS-* headers, JSON body) into an event the
// chat understands. Only the signature-checked request reaches this point, so the headers
// are the service's word; they are still bounded and checked, never trusted blindly.
import { isPlausibleUserId } from '../shared/chat-message.js';
import { parseUserClaims } from './claims.js';

export const CONNECTION_ID_HEADER = 'x-asrs-connection-id';
export const USER_ID_HEADER = 'x-asrs-user-id';
export const USER_CLAIMS_HEADER = 'x-asrs-user-claims';

/** The connection an event is about and, when its token named one, its user. */
export interface UpstreamConnection {
  connectionId: string;
  /** Absent for anonymous connections (our tokens always carry a user). */
  user?: { id: string; name: string };
}

export type UpstreamEvent =
  | { kind: 'connected'; connection: UpstreamConnection }
  | { kind: 'disconnected'; connection: UpstreamConnection; error?: string }
  | {
      kind: 'invocation';
      connection: UpstreamConnection;
      target: string;
      arguments: unknown[];
      invocationId?: string;
    }
  | { kind: 'unknown'; category: string; event: string };

export type ParseResult = { ok: true; event: UpstreamEvent } | { ok: false; reason: string };

interface HeaderSource {
  get(name: string): string | null;
}

const CONNECTION_ID_PATTERN = /^[A-Za-z0-9._~+/=-]{1,256}$/;
const MAX_NAME_LENGTH = 256;
const MAX_ERROR_LENGTH = 500;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;

/** The caller's display name: the token's `name` claim, cleaned, or the user id. */
function displayName(claim: string | undefined, userId: string): string {
  const name = claim?.replace(CONTROL_CHARACTERS, '').trim().slice(0, MAX_NAME_LENGTH);
  return name || userId;
}

// HTTP header values are bytes, read as Latin-1. A service that writes a name like "Zoë" as
// UTF-8 bytes therefore arrives as mojibake; decode such values back when they are valid UTF-8.
// Real Latin-1 text is rarely valid UTF-8 and is then kept as it is.
function fromHeaderBytes(value: string | null): string | null {
  // eslint-disable-next-line no-control-regex
  if (value === null || /^[\u0000-\u007f]*$/.test(value) || /[^\u0000-\u00ff]/.test(value)) {
    return value;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

export function readConnection(headers: HeaderSource): UpstreamConnection | null {
  const connectionId = headers.get(CONNECTION_ID_HEADER)?.trim();
  if (!connectionId || !CONNECTION_ID_PATTERN.test(connectionId)) return null;
  const userId = headers.get(USER_ID_HEADER)?.trim();
  if (!userId || !isPlausibleUserId(userId)) return { connectionId };
  const claims = parseUserClaims(fromHeaderBytes(headers.get(USER_CLAIMS_HEADER)));
  return { connectionId, user: { id: userId, name: displayName(claims.get('name'), userId) } };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `category` and `event` come from the route (the service fills the URL template with them);
 * `body` is the parsed JSON body, or undefined when there was none.
 */
export function parseUpstreamEvent(
  category: string,
  event: string,
  headers: HeaderSource,
  body: unknown,
): ParseResult {
  const connection = readConnection(headers);
  if (!connection) return { ok: false, reason: 'X-ASRS-Connection-Id is missing or malformed.' };
  const cat = category.toLowerCase();
  const name = event.toLowerCase();

  if (cat === 'connections' && name === 'connected') {
    return { ok: true, event: { kind: 'connected', connection } };
  }
  if (cat === 'connections' && name === 'disconnected') {
    const error = isObject(body) && typeof body.error === 'string' ? body.error : undefined;
    return {
      ok: true,
      event: {
        kind: 'disconnected',
        connection,
        ...(error ? { error: error.slice(0, MAX_ERROR_LENGTH) } : {}),
      },
    };
  }
  if (cat === 'messages') return parseInvocation(name, connection, body);
  return { ok: true, event: { kind: 'unknown', category: cat, event: name } };
}

// The body of a messages/<target> event is the client's invocation in the JSON hub protocol:
// {"type":1,"target":...,"arguments":[...],"invocationId"?:...}.
function parseInvocation(
  event: string,
  connection: UpstreamConnection,
  body: unknown,
): ParseResult {
  if (!isObject(body) || body.type !== 1) {
    return { ok: false, reason: 'The body must be a hub protocol invocation (type 1).' };
  }
  const { target, arguments: args, invocationId } = body;
  if (typeof target !== 'string' || target.toLowerCase() !== event) {
    return { ok: false, reason: 'The invocation target does not match the event.' };
  }
  if (args !== undefined && !Array.isArray(args)) {
    return { ok: false, reason: 'The invocation arguments must be an array.' };
  }
  if (invocationId !== undefined && typeof invocationId !== 'string') {
    return { ok: false, reason: 'The invocation id must be a string.' };
  }
  return {
    ok: true,
    event: {
      kind: 'invocation',
      connection,
      target: event,
      arguments: (args as unknown[] | undefined) ?? [],
      ...(invocationId !== undefined ? { invocationId } : {}),
    },
  };
}
