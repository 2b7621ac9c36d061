import type { ChatMessage, MessagePage } from '@chat/message';
import { compareMessages } from '../timeline/timeline.js';

/**
 * An in-memory GET /api/messages with the API's contract: newest page without a cursor,
 * `before`/`after` cursors, `since` = 30 s before a time (so catch-up repeats a little),
 * `hasNewer`. Cursors are positions in the sorted list, opaque to the app as the real ones are.
 */
export class HistoryServer {
  readonly messages: ChatMessage[] = [];
  readonly queries: URLSearchParams[] = [];

  constructor(readonly settleMs = 30_000) {}

  add(...messages: ChatMessage[]): void {
    this.messages.push(...messages);
    this.messages.sort(compareMessages);
  }

  page(query: URLSearchParams): MessagePage {
    this.queries.push(query);
    const limit = Number(query.get('limit') ?? 50);
    const all = this.messages;
    const before = query.get('before');
    const after = query.get('after');
    const since = query.get('since');
    let start: number;
    let end: number;
    if (before !== null) {
      end = Number(before);
      start = Math.max(0, end - limit);
    } else if (after !== null || since !== null) {
      start =
        after !== null
          ? Number(after)
          : all.findIndex((m) => Date.parse(m.sentAt) >= Date.parse(since!) - this.settleMs);
      if (start < 0) start = all.length;
      end = Math.min(all.length, start + limit);
    } else {
      end = all.length;
      start = Math.max(0, end - limit);
    }
    const page: MessagePage = { messages: all.slice(start, end), hasNewer: end < all.length };
    if (start > 0) page.olderCursor = String(start);
    page.newerCursor = String(end);
    return page;
  }
}
