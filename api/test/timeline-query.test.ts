import { describe, expect, it } from 'vitest';
import { parseTimelineQuery } from '../src/http/timeline-query.js';
import { catchUpCursorFor } from '../src/storage/index.js';

const parse = (query: string) => parseTimelineQuery(new URLSearchParams(query), 30_000);

describe('parseTimelineQuery', () => {
  it('passes limit and cursors through for storage to check', () => {
    expect(parse('')).toEqual({ ok: true, value: {} });
    expect(parse('limit=20&before=abc')).toEqual({
      ok: true,
      value: { limit: '20', before: 'abc' },
    });
    expect(parse('after=xyz&utm=1')).toEqual({ ok: true, value: { after: 'xyz' } });
  });

  it('turns since into the cursor 30 s before that time', () => {
    const sentAt = '2026-01-01T12:00:00.000Z';
    expect(parse(`since=${sentAt}&limit=5`)).toEqual({
      ok: true,
      value: { limit: '5', after: catchUpCursorFor({ sentAt }, 30_000) },
    });
  });

  it.each([
    ['limit=1&limit=2', 'limit'],
    ['before=a&before=b', 'before'],
    ['since=2026-01-01T12:00:00Z&since=2026-01-01T12:00:01Z', 'since'],
    ['since=2026-01-01T12:00:00Z&after=a', 'since'],
    ['since=2026-01-01T12:00:00Z&before=a', 'since'],
    ['since=yesterday', 'since'],
    ['since=2026-01-01', 'since'],
    ['since=2026-13-45T99:00:00Z', 'since'],
    ['since=', 'since'],
  ])('refuses %s naming %s', (query, field) => {
    const result = parse(query);
    expect(result.ok).toBe(false);
    expect(result).toMatchObject({ field });
  });
});
