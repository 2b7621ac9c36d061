// The query of GET /api/messages. Storage checks `limit`, `before` and `after` itself (and names
// the field); this adds `since` and refuses repeated or conflicting parameters.
import { catchUpCursorFor, type TimelineQuery } from '../storage/index.js';

export type TimelineQueryField = 'limit' | 'before' | 'after' | 'since';

export type TimelineQueryResult =
  { ok: true; value: TimelineQuery } | { ok: false; field: TimelineQueryField; reason: string };

const FIELDS: readonly TimelineQueryField[] = ['limit', 'before', 'after', 'since'];
// An instant as JavaScript's toISOString writes it (what the API puts in `sentAt`).
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * `since=<sentAt>`: catch up from the newest message the client holds (received live, say),
 * instead of from a cursor. It becomes `after` = a cursor `settleMs` before that time, so a
 * message stamped earlier but stored later is not skipped; the client merges the repeats by id.
 */
export function parseTimelineQuery(query: URLSearchParams, settleMs: number): TimelineQueryResult {
  for (const field of FIELDS) {
    if (query.getAll(field).length > 1) {
      return { ok: false, field, reason: 'must be given at most once.' };
    }
  }
  const value: TimelineQuery = {};
  const limit = query.get('limit');
  const before = query.get('before');
  const after = query.get('after');
  const since = query.get('since');
  if (limit !== null) value.limit = limit;
  if (before !== null) value.before = before;
  if (after !== null) value.after = after;
  if (since === null) return { ok: true, value };

  if (before !== null || after !== null) {
    return { ok: false, field: 'since', reason: 'cannot be combined with `before` or `after`.' };
  }
  if (!ISO_INSTANT.test(since) || Number.isNaN(Date.parse(since))) {
    return {
      ok: false,
      field: 'since',
      reason: 'must be an ISO 8601 UTC instant such as 2026-01-01T12:00:00.000Z.',
    };
  }
  value.after = catchUpCursorFor({ sentAt: since }, settleMs);
  return { ok: true, value };
}
