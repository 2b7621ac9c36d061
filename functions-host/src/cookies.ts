import type { Cookie } from '@azure/functions';

// The Functions host turns `HttpResponse.cookies` into Set-Cookie headers itself (the worker sends
// them as structured data), so the local host must do the same. A few lines; no library needed.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 6265 cookie-octet: printable ASCII except space, '"', ',', ';' and '\'.
const COOKIE_OCTETS = /^[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*$/;
// eslint-disable-next-line no-control-regex -- rejecting control characters is the point
const ATTRIBUTE_VALUE = /^[^\x00-\x1F\x7F;]*$/;

export function serializeCookie(cookie: Cookie): string {
  if (!TOKEN.test(cookie.name)) throw new Error(`invalid cookie name "${cookie.name}"`);
  const value = String(cookie.value ?? '');
  let header = `${cookie.name}=${COOKIE_OCTETS.test(value) ? value : encodeURIComponent(value)}`;
  const attribute = (name: string, attributeValue: string): void => {
    if (!ATTRIBUTE_VALUE.test(attributeValue)) {
      throw new Error(`invalid ${name} for cookie "${cookie.name}"`);
    }
    header += `; ${name}=${attributeValue}`;
  };
  if (cookie.domain) attribute('Domain', cookie.domain);
  if (cookie.path) attribute('Path', cookie.path);
  if (cookie.expires !== undefined && cookie.expires !== null) {
    const expires = new Date(cookie.expires);
    if (Number.isNaN(expires.getTime()))
      throw new Error(`invalid expires for cookie "${cookie.name}"`);
    header += `; Expires=${expires.toUTCString()}`;
  }
  if (cookie.maxAge !== undefined && cookie.maxAge !== null) {
    if (!Number.isFinite(cookie.maxAge))
      throw new Error(`invalid maxAge for cookie "${cookie.name}"`);
    header += `; Max-Age=${Math.trunc(cookie.maxAge)}`;
  }
  if (cookie.sameSite) header += `; SameSite=${cookie.sameSite}`;
  if (cookie.secure) header += '; Secure';
  if (cookie.httpOnly) header += '; HttpOnly';
  return header;
}
