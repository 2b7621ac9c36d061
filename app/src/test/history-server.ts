import type { ChatMessage, MessagePage } from '@chat/message';
import { compareMessages } from '../timeline/timeline.js';

/**
 * An in-memory GET /api/messages with the API's contract: newest page without a cursor,
 * `before`/`after` cursors, `since` = 30 s before a time (so catch-up repeats a little),
 * `hasNewer`, and on catch-up pages the `changed` messages older than the page that changed
 * after the cursor. Cursors are positions in the sorted list (and in the list of changes),
 * opaque to the app as the real ones are.
 */
export class HistoryServer {
  readonly messages: ChatMessage[] = [];
  readonly queries: URLSearchParams[] = [];
  /** Every change, in the order it happened: the message as it became, and when. */
  private readonly changes: { message: ChatMessage; at: number }[] = [];

  constructor(readonly settleMs = 30_000) {}

  add(...messages: ChatMessage[]): void {
    this.messages.push(...messages);
    this.messages.sort(compareMessages);
  }

  /** A message changes (edit, delete, reaction): stored as it is now, and in the change feed. */
  change(message: ChatMessage, at = Date.now()): void {
    const index = this.messages.findIndex((candidate) => candidate.id === message.id);
    if (index < 0) throw new Error(`HistoryServer: no message ${message.id}`);
    this.messages[index] = message;
    this.changes.push({ message, at });
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
    let changesFrom: number | undefined;
    if (before !== null) {
      end = Number(before);
      start = Math.max(0, end - limit);
    } else if (after !== null || since !== null) {
      if (after !== null) {
        const [position, changePosition] = after.split('.');
        start = Number(position);
        changesFrom = Number(changePosition ?? this.changes.length);
      } else {
        const from = Date.parse(since!) - this.settleMs;
        start = all.findIndex((m) => Date.parse(m.sentAt) >= from);
        changesFrom = this.changes.findIndex((change) => change.at >= from);
        if (changesFrom < 0) changesFrom = this.changes.length;
      }
      if (start < 0) start = all.length;
      end = Math.min(all.length, start + limit);
    } else {
      end = all.length;
      start = Math.max(0, end - limit);
    }
    const page: MessagePage = { messages: all.slice(start, end), hasNewer: end < all.length };
    let changesTo = this.changes.length;
    if (changesFrom !== undefined) {
      // Changes of messages older than this page (the page's own are current), at most `limit`.
      const pageIds = new Set(all.slice(start).map((message) => message.id));
      const changed: ChatMessage[] = [];
      let position = changesFrom;
      for (; position < this.changes.length && changed.length < limit; position += 1) {
        const { message } = this.changes[position]!;
        if (!pageIds.has(message.id)) changed.push(message);
      }
      changesTo = position;
      page.changed = changed;
      if (position < this.changes.length) page.hasNewer = true;
    }
    if (start > 0) page.olderCursor = String(start);
    page.newerCursor = `${end}.${changesTo}`;
    return page;
  }
}
