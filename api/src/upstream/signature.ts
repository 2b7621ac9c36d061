// Azure SignalR Service signs every upstream request: `X-ASRS-Signature` holds
// `sha256=<hex HMAC-SHA256(key = AccessKey as UTF-8, data = X-ASRS-Connection-Id)>`, one entry
// per access key of the service, comma-separated when it has two. The route is anonymous
// (the service cannot sign in to Static Web Apps), so this check is its only gate.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-asrs-signature';

// A comma list of two sha256 entries is under 200 characters; anything far longer is not ours.
const MAX_HEADER_LENGTH = 1024;
const ENTRY_PATTERN = /^sha256=([0-9a-f]{64})$/i;

function expectedDigest(connectionId: string, accessKey: string): Buffer {
  return createHmac('sha256', Buffer.from(accessKey, 'utf8')).update(connectionId, 'utf8').digest();
}

/**
 * True when any signature listed in the header matches one of `accessKeys` for the connection id.
 * Every entry is compared in constant time (the hex is decoded, so its case does not matter).
 */
export function isValidUpstreamSignature(
  header: string | null,
  connectionId: string | null,
  accessKeys: readonly string[],
): boolean {
  if (!header || !connectionId || header.length > MAX_HEADER_LENGTH) return false;
  const expected = accessKeys
    .filter((key) => key !== '')
    .map((key) => expectedDigest(connectionId, key));
  let matched = false;
  for (const entry of header.split(',')) {
    const hex = ENTRY_PATTERN.exec(entry.trim())?.[1];
    if (!hex) continue;
    const given = Buffer.from(hex, 'hex');
    // No early exit: the time taken does not depend on which entry or key matched.
    for (const digest of expected) matched = timingSafeEqual(given, digest) || matched;
  }
  return matched;
}
