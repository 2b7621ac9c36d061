import { createHmac } from 'node:crypto';
import type { JwtClaims } from '../auth/jwt.js';
import type { UpstreamEventName } from './templates.js';

/**
 * What the service tells an upstream about a connection and an event: the `X-ASRS-*` headers
 * and the JSON bodies of the serverless protocol (Azure docs, "Upstream endpoints", and the
 * official emulator in Azure/azure-signalr, read for the facts).
 */

/** The part of a connection an upstream request describes. */
export interface UpstreamConnectionInfo {
  readonly id: string;
  readonly hub: string;
  readonly userId: string | undefined;
  readonly claims: Readonly<JwtClaims>;
  readonly clientQuery: string;
}

/** `sha256=<hex HMAC-SHA256(key = access key as UTF-8, data = connection id)>`. */
export function connectionSignature(connectionId: string, accessKey: string): string {
  const digest = createHmac('sha256', Buffer.from(accessKey, 'utf8'))
    .update(connectionId, 'utf8')
    .digest('hex');
  // Upper-case hex, as the official emulator writes it; receivers compare case-insensitively.
  return `sha256=${digest.toUpperCase()}`;
}

function claimValues(value: unknown): string[] {
  // A JSON array claim is several claims of one type, as .NET's JWT reader makes them.
  if (Array.isArray(value)) return value.flatMap(claimValues);
  if (value === null || value === undefined) return [];
  return [typeof value === 'object' ? JSON.stringify(value) : String(value)];
}

/**
 * The token's claims as the service writes them: `type: value` entries (a .NET Claim's string
 * form) joined by `, ` (how .NET joins a multi-valued header). Undefined without claims.
 */
export function claimsHeader(claims: Readonly<JwtClaims>): string | undefined {
  const entries = Object.entries(claims).flatMap(([type, value]) =>
    claimValues(value).map((text) => `${type}: ${text}`),
  );
  return entries.length > 0 ? entries.join(', ') : undefined;
}

/**
 * Header values travel as bytes; Node writes strings as Latin-1, so non-ASCII text is sent as its
 * UTF-8 bytes (a receiver decodes them as UTF-8) instead of being rejected. Control characters
 * are never valid in a header and are dropped.
 */
function headerValue(text: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '');
  // eslint-disable-next-line no-control-regex
  return /^[\u0000-\u007f]*$/.test(clean) ? clean : Buffer.from(clean, 'utf8').toString('latin1');
}

export function upstreamHeaders(
  connection: UpstreamConnectionInfo,
  name: UpstreamEventName,
  accessKey: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Type': 'application/json',
    'X-ASRS-Connection-Id': connection.id,
    'X-ASRS-Hub': name.hub,
    'X-ASRS-Category': name.category,
    'X-ASRS-Event': headerValue(name.event),
    'X-ASRS-Signature': connectionSignature(connection.id, accessKey),
  };
  if (connection.userId) headers['X-ASRS-User-Id'] = headerValue(connection.userId);
  const claims = claimsHeader(connection.claims);
  if (claims !== undefined) headers['X-ASRS-User-Claims'] = headerValue(claims);
  if (connection.clientQuery !== '') headers['X-ASRS-Client-Query'] = connection.clientQuery;
  return headers;
}

/** Serverless protocol message types of the connection events. */
export const OPEN_CONNECTION_TYPE = 10;
export const CLOSE_CONNECTION_TYPE = 11;

export const connectedBody = (): string => JSON.stringify({ type: OPEN_CONNECTION_TYPE });

export function disconnectedBody(error: string | undefined): string {
  return JSON.stringify(
    error === undefined ? { type: CLOSE_CONNECTION_TYPE } : { type: CLOSE_CONNECTION_TYPE, error },
  );
}
