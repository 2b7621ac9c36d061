// Opaque page cursors and the page size. A cursor names a position in the timeline's order,
// never a partition: whatever cursor a caller sends, the query still reads only the caller's
// own partitions, so a cursor cannot widen what someone sees.
import { StorageValidationError } from './errors.js';
import { MAX_MS, UUID_PATTERN, type Position } from './keys.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const VERSION = 't1';
const MAX_CURSOR_LENGTH = 128;

export function encodeCursor(position: Position): string {
  return Buffer.from(`${VERSION}.${position.ms}.${position.id ?? ''}`, 'utf8').toString(
    'base64url',
  );
}

/**
 * The cursor to catch up from when the newest message one holds is `message` (received live,
 * say): `settleMs` before it, so a message stamped earlier but stored later is not skipped.
 */
export function catchUpCursorFor(message: { sentAt: string }, settleMs: number): string {
  const ms = Date.parse(message.sentAt);
  if (!Number.isFinite(ms)) throw new TypeError('sentAt must be an ISO 8601 instant.');
  return encodeCursor({ ms: Math.min(MAX_MS, Math.max(0, ms - settleMs)), id: null });
}

/** The position a cursor names; StorageValidationError (naming the field) when it is not ours. */
export function decodeCursor(field: 'before' | 'after', cursor: unknown): Position {
  if (typeof cursor !== 'string' || cursor.length === 0) {
    throw new StorageValidationError(field, 'must be a cursor returned by a previous page.');
  }
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) {
    throw new StorageValidationError(field, 'is not a valid cursor.');
  }
  const [version, msText, id, ...rest] = Buffer.from(cursor, 'base64url')
    .toString('utf8')
    .split('.');
  const ms = Number(msText);
  const valid =
    version === VERSION &&
    rest.length === 0 &&
    msText !== undefined &&
    /^[0-9]{1,13}$/.test(msText) &&
    ms <= MAX_MS &&
    id !== undefined &&
    (id === '' || UUID_PATTERN.test(id));
  const position: Position = { ms, id: id === '' || id === undefined ? null : id };
  // Base64 decoding is lenient; only the canonical spelling of a position is a cursor.
  if (!valid || encodeCursor(position) !== cursor) {
    throw new StorageValidationError(field, 'is not a valid cursor.');
  }
  return position;
}

/** Accepts a number or the query-string text of one; 1 to MAX_LIMIT, DEFAULT_LIMIT when absent. */
export function parseLimit(limit: unknown): number {
  if (limit === undefined || limit === null || limit === '') return DEFAULT_LIMIT;
  const value =
    typeof limit === 'number'
      ? limit
      : typeof limit === 'string' && /^[0-9]{1,4}$/.test(limit)
        ? Number(limit)
        : NaN;
  if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT) {
    throw new StorageValidationError('limit', `must be a whole number from 1 to ${MAX_LIMIT}.`);
  }
  return value;
}
