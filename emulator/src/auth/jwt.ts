import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * HS256 JWT verification, written by hand on purpose: the service accepts exactly one algorithm,
 * the check is a dozen lines over node:crypto, and a general JWT library would add a dependency
 * (and algorithm negotiation we must refuse anyway) to a package meant to stand alone.
 */

export type JwtClaims = Record<string, unknown>;

export class TokenError extends Error {}

function decodeJson(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw new TokenError(`token ${what} is not base64url-encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenError(`token ${what} is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export interface VerifyOptions {
  key: string;
  nowSeconds: number;
  clockSkewSeconds: number;
}

/** Checks structure, algorithm, signature, exp and nbf; returns the claims. Throws TokenError. */
export function verifyHs256(token: string, options: VerifyOptions): JwtClaims {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((part) => BASE64URL.test(part))) {
    throw new TokenError('token is not a JWT (expected three base64url segments)');
  }
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  const header = decodeJson(headerPart, 'header');
  if (header.alg !== 'HS256')
    throw new TokenError(`token algorithm must be HS256, got ${String(header.alg)}`);

  const expected = createHmac('sha256', Buffer.from(options.key, 'utf8'))
    .update(`${headerPart}.${payloadPart}`)
    .digest();
  const actual = Buffer.from(signaturePart, 'base64url');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new TokenError('token signature is invalid');
  }

  const claims = decodeJson(payloadPart, 'payload');
  const { exp, nbf } = claims;
  if (typeof exp !== 'number') throw new TokenError('token has no numeric exp claim');
  if (exp + options.clockSkewSeconds <= options.nowSeconds)
    throw new TokenError('token has expired');
  if (nbf !== undefined) {
    if (typeof nbf !== 'number') throw new TokenError('token nbf claim is not a number');
    if (nbf - options.clockSkewSeconds > options.nowSeconds)
      throw new TokenError('token is not valid yet (nbf)');
  }
  return claims;
}

/** Signs `claims` with HS256 (the emulator's own tokens: the REST `:generateToken` operation). */
export function signHs256(claims: JwtClaims, key: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  const signature = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(unsigned)
    .digest('base64url');
  return `${unsigned}.${signature}`;
}
