// `X-ASRS-User-Claims` carries the client token's claims. The service writes them as
// `type: value` pairs joined by `, ` (the official Functions extension splits on `,` then `: `).
// The header is outside our control, so it is decoded defensively: malformed pairs are
// skipped, a JSON form (object or [{type,value}]) is accepted too, and sizes are bounded.

const MAX_HEADER_LENGTH = 16 * 1024;

export type Claims = ReadonlyMap<string, string>;

export function parseUserClaims(header: string | null): Claims {
  const claims = new Map<string, string>();
  if (!header || header.length > MAX_HEADER_LENGTH) return claims;
  const text = header.trim();
  if (text.startsWith('{') || text.startsWith('[')) return parseJsonClaims(text);
  for (const pair of text.split(',')) {
    const at = pair.indexOf(':');
    if (at <= 0) continue;
    const type = pair.slice(0, at).trim();
    // The first value of a repeated claim wins, as in the official extension.
    if (type && !claims.has(type)) claims.set(type, pair.slice(at + 1).trim());
  }
  return claims;
}

function parseJsonClaims(text: string): Map<string, string> {
  const claims = new Map<string, string>();
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return claims;
  }
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.map((item: unknown) => {
        const claim = (typeof item === 'object' && item !== null ? item : {}) as Record<
          string,
          unknown
        >;
        return [claim.type ?? claim.typ, claim.value ?? claim.val];
      })
    : typeof value === 'object' && value !== null
      ? Object.entries(value)
      : [];
  for (const [type, claim] of entries) {
    if (typeof type === 'string' && typeof claim === 'string' && !claims.has(type)) {
      claims.set(type, claim);
    }
  }
  return claims;
}
