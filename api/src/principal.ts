// The one place that reads who is calling. Static Web Apps puts the signed-in user in
// `x-ms-client-principal` (base64 JSON) and overwrites it when a session cookie exists.
// `x-ms-client-principal-name` can be forged by any client and `Authorization` carries old
// SignalR tokens on reconnect, so neither is ever read. `request.user` is avoided because it
// throws on principals without `identityProvider`.
import { isPlausibleUserId } from './shared/chat-message.js';

export const PRINCIPAL_HEADER = 'x-ms-client-principal';

export interface ClientPrincipal {
  identityProvider: string;
  userId: string;
  /** The display name SWA reports (GitHub login, e-mail, ...). */
  userDetails: string;
  userRoles: string[];
}

interface HeaderSource {
  get(name: string): string | null;
}

// Real principals are a few hundred bytes; anything far larger is not from SWA.
const MAX_HEADER_LENGTH = 8 * 1024;
const BASE64_PATTERN = /^[A-Za-z0-9+/_-]+={0,2}$/;
const MAX_NAME_LENGTH = 256;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]/g;

/** The caller, or null when anonymous (header absent, malformed, or not `authenticated`). */
export function readClientPrincipal(headers: HeaderSource): ClientPrincipal | null {
  const raw = headers.get(PRINCIPAL_HEADER)?.trim();
  if (!raw || raw.length > MAX_HEADER_LENGTH || !BASE64_PATTERN.test(raw)) return null;

  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64').toString('utf8'));
  } catch {
    return null;
  }
  return toPrincipal(decoded);
}

function toPrincipal(value: unknown): ClientPrincipal | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const { identityProvider, userId, userDetails, userRoles } = value as Record<string, unknown>;

  if (typeof userId !== 'string' || !isPlausibleUserId(userId)) return null;
  if (!Array.isArray(userRoles) || !userRoles.every((role) => typeof role === 'string')) {
    return null;
  }
  const roles = userRoles as string[];
  if (!roles.includes('authenticated')) return null;

  const name = typeof userDetails === 'string' ? cleanName(userDetails) : '';
  return {
    identityProvider: typeof identityProvider === 'string' ? identityProvider : '',
    userId,
    userDetails: name || userId,
    userRoles: roles,
  };
}

// Names are shown to other people: drop control characters and bound the length.
function cleanName(name: string): string {
  return name.replace(CONTROL_CHARACTERS, '').trim().slice(0, MAX_NAME_LENGTH);
}
