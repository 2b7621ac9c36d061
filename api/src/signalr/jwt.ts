// HS256 JSON Web Tokens are a few lines over node:crypto; a library would add weight and a
// dependency for nothing the service needs (no verification, no other algorithms).
import { createHmac } from 'node:crypto';

export type JwtClaims = Record<string, string | number | string[]>;

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/** Signs claims with HS256; the key is the UTF-8 bytes of the AccessKey, as the service expects. */
export function signJwt(claims: JwtClaims, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const signature = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(`${HEADER}.${payload}`)
    .digest('base64url');
  return `${HEADER}.${payload}.${signature}`;
}
