import type { SignalRConnection } from './connection-string.js';
import { signJwt } from './jwt.js';

/** REST tokens are minted per call, so a short life is enough and limits replay. */
export const REST_TOKEN_LIFETIME_SECONDS = 300;

export interface ClientIdentity {
  userId: string;
  name: string;
}

export interface ClientAccess {
  url: string;
  accessToken: string;
}

/** The URL a client negotiates with: `<ClientEndpoint>/client/?hub=<hub>`. */
export function clientUrl(connection: SignalRConnection, hub: string): string {
  return `${connection.clientEndpoint}/client/?hub=${encodeURIComponent(hub.toLowerCase())}`;
}

// The service's SDK builds the client audience without the port; the service accepts it.
function clientAudience(connection: SignalRConnection, hub: string): string {
  const url = new URL(connection.clientEndpoint);
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.protocol}//${url.hostname}${path}/client/?hub=${encodeURIComponent(hub.toLowerCase())}`;
}

export function createClientAccess(
  connection: SignalRConnection,
  hub: string,
  identity: ClientIdentity,
  lifetimeSeconds: number,
  nowMs: number = Date.now(),
): ClientAccess {
  const now = Math.floor(nowMs / 1000);
  const accessToken = signJwt(
    {
      aud: clientAudience(connection, hub),
      iat: now,
      nbf: now,
      exp: now + lifetimeSeconds,
      'asrs.s.uid': identity.userId,
      name: identity.name,
    },
    connection.accessKey,
  );
  return { url: clientUrl(connection, hub), accessToken };
}

/** A token for one REST call: its audience is the request URL without the query. */
export function createRestToken(
  connection: SignalRConnection,
  requestUrl: string,
  nowMs: number = Date.now(),
): string {
  const url = new URL(requestUrl);
  const now = Math.floor(nowMs / 1000);
  return signJwt(
    {
      aud: `${url.origin}${url.pathname}`,
      iat: now,
      nbf: now,
      exp: now + REST_TOKEN_LIFETIME_SECONDS,
    },
    connection.accessKey,
  );
}
