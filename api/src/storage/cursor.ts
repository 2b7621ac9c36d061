// Opaque page cursors and the page size. A cursor names positions in the timeline's order,
// never a partition: whatever cursor a caller sends, the query still reads only the caller's
// own partitions, so a cursor cannot widen what someone sees.
//
// `t2.<ms>.<id>.<change ms>.<change id>`: a message position (where the messages read so far
// end) and a change position (where the change feed read so far ends). `t1.<ms>.<id>`, from
// before the change feed, is still accepted: its change position is its message position.
import { StorageValidationError } from './errors.js';
import { MAX_MS, UUID_PATTERN, type Position } from './keys.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 200;

const MAX_CURSOR_LENGTH = 192;

export interface Cursor {
  /** The messages after (or before) this one. */
  position: Position;
  /** The changes after this one (catch-up). */
  change: Position;
}

const text = (position: Position): string => `${position.ms}.${position.id ?? ''}`;
const encode = (plain: string): string => Buffer.from(plain, 'utf8').toString('base64url');

export function encodeCursor(position: Position, change: Position = position): string {
  return encode(`t2.${text(position)}.${text(change)}`);
}

/**
 * The cursor to catch up from when the newest message one holds is `message` (received live,
 * say): `settleMs` before it, so a message or change stamped earlier but stored later is not
 * skipped. Both positions are the same: changes made since then come back as `changed`.
 */
export function catchUpCursorFor(message: { sentAt: string }, settleMs: number): string {
  const ms = Date.parse(message.sentAt);
  if (!Number.isFinite(ms)) throw new TypeError('sentAt must be an ISO 8601 instant.');
  return encodeCursor({ ms: Math.min(MAX_MS, Math.max(0, ms - settleMs)), id: null });
}

function parsePosition(msText: string | undefined, id: string | undefined): Position | undefined {
  if (msText === undefined || id === undefined || !/^[0-9]{1,13}$/.test(msText)) return undefined;
  const ms = Number(msText);
  if (ms > MAX_MS || (id !== '' && !UUID_PATTERN.test(id))) return undefined;
  return { ms, id: id === '' ? null : id };
}

/** The positions a cursor names; StorageValidationError (naming the field) when it is not ours. */
export function decodeCursor(field: 'before' | 'after', cursor: unknown): Cursor {
  if (typeof cursor !== 'string' || cursor.length === 0) {
    throw new StorageValidationError(field, 'must be a cursor returned by a previous page.');
  }
  const invalid = new StorageValidationError(field, 'is not a valid cursor.');
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  const plain = Buffer.from(cursor, 'base64url').toString('utf8');
  const [version, ...parts] = plain.split('.');
  let decoded: Cursor | undefined;
  if (version === 't1' && parts.length === 2) {
    const position = parsePosition(parts[0], parts[1]);
    if (position) decoded = { position, change: position };
  } else if (version === 't2' && parts.length === 4) {
    const position = parsePosition(parts[0], parts[1]);
    const change = parsePosition(parts[2], parts[3]);
    if (position && change) decoded = { position, change };
  }
  // Base64 decoding is lenient; only the canonical spelling of a cursor is one.
  if (!decoded || encode(plain) !== cursor) throw invalid;
  if (version === 't1' && `t1.${text(decoded.position)}` !== plain) throw invalid;
  if (version === 't2' && `t2.${text(decoded.position)}.${text(decoded.change)}` !== plain) {
    throw invalid;
  }
  return decoded;
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
