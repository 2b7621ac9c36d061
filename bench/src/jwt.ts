import { createHmac } from 'node:crypto';

// Signing an HS256 JWT is one HMAC over two base64url segments; the bench only signs (it
// never verifies), so node:crypto does the job without adding a dependency to the root.

export interface JwtClaims {
  aud: string;
  [claim: string]: string | number;
}

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

/** A token valid from a few seconds ago for `lifetimeSeconds`, signed with the key's UTF-8 bytes. */
export function signHs256(claims: JwtClaims, accessKey: string, lifetimeSeconds = 3600): string {
  const now = Math.floor(Date.now() / 1000);
  const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = base64url(
    JSON.stringify({ nbf: now - 5, iat: now, exp: now + lifetimeSeconds, ...claims }),
  );
  const signature = createHmac('sha256', Buffer.from(accessKey, 'utf8'))
    .update(`${header}.${body}`)
    .digest('base64url');
  return `${header}.${body}.${signature}`;
}
