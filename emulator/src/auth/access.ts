import type { IncomingMessage } from 'node:http';
import { HttpError } from '../http/respond.js';
import { type JwtClaims, TokenError, verifyHs256 } from './jwt.js';

export { TokenError } from './jwt.js';

const CLOCK_SKEW_SECONDS = 5;

/** The bearer token of a request: `Authorization: Bearer` first, else the `access_token` query. */
export function requestToken(request: IncomingMessage, url: URL): string {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1]) throw new TokenError('Authorization header is not a Bearer token');
    return match[1];
  }
  const query = url.searchParams.get('access_token');
  if (query) return query;
  throw new TokenError('no access token (Authorization: Bearer header or access_token query)');
}

/** Hosts a token's audience may name for this endpoint: localhost, 127.0.0.1, the Host header. */
function acceptedOrigins(request: IncomingMessage, port: number): Set<string> {
  const hosts = new Set(['localhost', '127.0.0.1']);
  const hostHeader = request.headers.host;
  if (hostHeader) hosts.add(hostHeader.replace(/:\d+$/, '').toLowerCase());
  const origins = new Set<string>();
  for (const host of hosts) {
    origins.add(`http://${host}`);
    origins.add(`http://${host}:${port}`);
  }
  return origins;
}

function audiences(claims: JwtClaims): string[] {
  const { aud } = claims;
  if (typeof aud === 'string') return [aud];
  if (Array.isArray(aud)) return aud.filter((value): value is string => typeof value === 'string');
  return [];
}

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function verify(token: string, key: string, nowMs: number): JwtClaims {
  return verifyHs256(token, {
    key,
    nowSeconds: Math.floor(nowMs / 1000),
    clockSkewSeconds: CLOCK_SKEW_SECONDS,
  });
}

export interface ClientIdentity {
  userId: string | undefined;
  claims: JwtClaims;
}

/**
 * Checks a client token for `hub`: signature, lifetime, and an `aud` naming this endpoint's
 * client URL (`http://<host>[:port]/client/?hub=<hub>`) for the same hub.
 */
export function authorizeClient(
  request: IncomingMessage,
  url: URL,
  hub: string,
  key: string,
  port: number,
  nowMs: number,
): ClientIdentity {
  const claims = verify(requestToken(request, url), key, nowMs);
  const origins = acceptedOrigins(request, port);
  const names = audiences(claims);
  let sawOtherHub = false;
  for (const audience of names) {
    const parsed = parseUrl(audience);
    if (!parsed || !origins.has(parsed.origin.toLowerCase())) continue;
    if (parsed.pathname !== '/client/' && parsed.pathname !== '/client') continue;
    const audienceHub = parsed.searchParams.get('hub');
    if (audienceHub?.toLowerCase() === hub.toLowerCase())
      return { userId: userIdOf(claims), claims };
    sawOtherHub = true;
  }
  if (sawOtherHub) throw new TokenError(`token audience is for another hub than '${hub}'`);
  throw new TokenError(
    `token audience ${JSON.stringify(names.join(' '))} does not name this endpoint's client URL for hub '${hub}'`,
  );
}

/** Checks a REST token: signature, lifetime, and `aud` = the request URL without its query. */
export function authorizeRest(
  request: IncomingMessage,
  url: URL,
  key: string,
  port: number,
  nowMs: number,
): void {
  const claims = verify(requestToken(request, url), key, nowMs);
  const origins = acceptedOrigins(request, port);
  const path = url.pathname;
  for (const audience of audiences(claims)) {
    const parsed = parseUrl(audience);
    if (!parsed || !origins.has(parsed.origin.toLowerCase())) continue;
    if (parsed.pathname === path || safeDecode(parsed.pathname) === safeDecode(path)) return;
  }
  throw new TokenError(`token audience does not match the request URL ${url.pathname}`);
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The user id claim the service reads: `asrs.s.uid`, else `nameid`, else `sub`. */
export function userIdOf(claims: JwtClaims): string | undefined {
  for (const name of ['asrs.s.uid', 'nameid', 'sub']) {
    const value = claims[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return undefined;
}

/** A token failure as the 401 the service answers: a one-line reason and a Bearer challenge. */
export function unauthorized(error: TokenError): HttpError {
  return new HttpError(401, `Unauthorized: ${error.message}.`, {
    // The reason may quote token contents: keep the header to printable ASCII, no quotes.
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${error.message.replace(/[^\x20-\x7e]|"/g, '?').slice(0, 200)}"`,
  });
}
