import type { ChatMessage, MessagePage } from '@chat/message';
import type { PageQuery } from '../api/messages.js';

/**
 * Loads the timeline's history and keeps it complete:
 * - the latest page on arrival (with a failed state and a retry),
 * - earlier pages on request (`before`),
 * - catch-up after (re)connecting: everything after the newest message held (`since`, then
 *   `after` while `hasNewer`), so messages missed while offline arrive, each once (the timeline
 *   merges by id).
 * Loading the latest page and catching up run one at a time, in order, so a catch-up always
 * starts from what the latest page brought. Plain TypeScript; `useHistory` binds it to React.
 */

export interface HistoryState {
  /** The first page: loading until it arrived once, failed (with a reason) until retried. */
  readonly latest: 'loading' | 'loaded' | 'failed';
  /** Pass as `before` to load earlier messages; absent when there are none (or not known yet). */
  readonly olderCursor?: string;
  readonly earlier: 'idle' | 'loading' | 'failed';
  /** The last catch-up failed: some messages may be missing until the next one succeeds. */
  readonly catchUpFailed: boolean;
  /** Why the last failed load failed, in words. */
  readonly failure?: string;
}

export interface HistoryDependencies {
  fetchPage: (query: PageQuery) => Promise<MessagePage>;
  /** Merges messages into the timeline (by id). */
  receive: (messages: readonly ChatMessage[]) => void;
  /** Applies catch-up's changed messages to the ones the timeline holds (by id and version). */
  receiveChanged: (messages: readonly ChatMessage[]) => void;
  /** The newest message the timeline holds as the server stamped it (not an optimistic copy). */
  newestConfirmed: () => ChatMessage | undefined;
  onChange: (state: HistoryState) => void;
  /** Turns a failure into words (and may end the session on a 401). */
  describeFailure: (error: unknown) => string;
  pageSize?: number;
  /** Page size of catch-ups; default CATCH_UP_PAGE_SIZE. */
  catchUpPageSize?: number;
}

/**
 * A bound on one catch-up, against a server that never stops saying `hasNewer`. It is far above
 * a real gap: a catch-up starts a settle window (30 s) early, so at a busy room's 100 messages a
 * second even a short outage means 60 pages of 50. Reaching it leaves the gap open and says so.
 */
export const MAX_CATCH_UP_PAGES = 1000;
export const PAGE_SIZE = 50;
/**
 * A catch-up reads from a settle window (30 s) before the gap, so it is long in a busy room:
 * the API's largest page makes it a quarter as many requests as pages of 50.
 */
export const CATCH_UP_PAGE_SIZE = 200;

/**
 * How many earlier pages a jump to a replied-to message loads before it says "not found":
 * 20 pages of 50 reach a thousand messages back, further than anyone scrolls by hand.
 */
export const MAX_JUMP_PAGES = 20;

/** How a search through earlier pages ended. */
export type EarlierSearch = 'found' | 'not-found' | 'failed';

export const initialHistory: HistoryState = {
  latest: 'loading',
  earlier: 'idle',
  catchUpFailed: false,
};

/** The gap opened while the timeline held nothing: the latest page is the catch-up. */
const NOTHING_HELD = 'nothing-held';

export class HistorySync {
  private current: HistoryState = initialHistory;
  private queue: Promise<void> = Promise.resolve();
  private catchUpWaiting: Promise<void> | undefined;
  /**
   * Where the next catch-up starts: the newest message held when the gap opened (the connection
   * was lost, or the first page was read before the connection existed). Messages that arrive
   * live after the reconnect are newer than the gap, so they must not move its start.
   */
  private gapAfter: ChatMessage | typeof NOTHING_HELD | undefined;
  /** The earlier page being loaded: a jump and the button share it. */
  private earlierRun: Promise<MessagePage | 'failed' | undefined> | undefined;

  constructor(private readonly deps: HistoryDependencies) {}

  get state(): HistoryState {
    return this.current;
  }

  /** The latest page (on arrival, and as the retry of a failed arrival). */
  loadLatest(): Promise<void> {
    return this.enqueue(async () => void (await this.runLoadLatest()));
  }

  /**
   * Fetches what came after the newest message held. Calls made while one is still waiting
   * to start share it (a reconnect reports itself more than once).
   */
  catchUp(): Promise<void> {
    if (this.catchUpWaiting) return this.catchUpWaiting;
    const run = this.enqueue(() => {
      this.catchUpWaiting = undefined;
      return this.runCatchUp();
    });
    this.catchUpWaiting = run;
    return run;
  }

  /** The connection dropped: what is held now is complete; a gap may open after it. */
  connectionLost(): void {
    this.gapAfter ??= this.deps.newestConfirmed() ?? NOTHING_HELD;
  }

  /** The page just older than the oldest loaded; ignored while one loads or none is left. */
  async loadEarlier(): Promise<void> {
    await this.loadEarlierPage();
  }

  /**
   * Loads earlier pages until one brings `messageId` (a reply's original), at most `maxPages`:
   * 'not-found' when the start of the conversation or the bound came first.
   */
  async loadEarlierUntil(messageId: string, maxPages = MAX_JUMP_PAGES): Promise<EarlierSearch> {
    for (let pages = 0; pages < maxPages; pages += 1) {
      const page = await this.loadEarlierPage();
      if (page === 'failed') return 'failed';
      if (page === undefined) return 'not-found';
      if (page.messages.some((message) => message.id === messageId)) return 'found';
    }
    return 'not-found';
  }

  /** The next earlier page (shared with a load already under way); undefined: none is left. */
  private loadEarlierPage(): Promise<MessagePage | 'failed' | undefined> {
    if (this.earlierRun) return this.earlierRun;
    const cursor = this.current.olderCursor;
    if (cursor === undefined) return Promise.resolve(undefined);
    this.update({ earlier: 'loading' });
    const run = (async (): Promise<MessagePage | 'failed'> => {
      try {
        const page = await this.deps.fetchPage({ before: cursor, limit: this.pageSize });
        this.deps.receive(page.messages);
        this.update({ earlier: 'idle', olderCursor: page.olderCursor, failure: undefined });
        return page;
      } catch (error) {
        this.update({ earlier: 'failed', failure: this.deps.describeFailure(error) });
        return 'failed';
      } finally {
        this.earlierRun = undefined;
      }
    })();
    this.earlierRun = run;
    return run;
  }

  private get pageSize(): number {
    return this.deps.pageSize ?? PAGE_SIZE;
  }

  private get catchUpPageSize(): number {
    return this.deps.catchUpPageSize ?? CATCH_UP_PAGE_SIZE;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** True when the page arrived. */
  private async runLoadLatest(): Promise<boolean> {
    const first = this.current.latest !== 'loaded';
    if (first) this.update({ latest: 'loading' });
    try {
      const page = await this.deps.fetchPage({ limit: this.pageSize });
      this.deps.receive(page.messages);
      this.gapAfter ??= page.messages.at(-1);
      this.update({
        latest: 'loaded',
        olderCursor: page.olderCursor,
        catchUpFailed: false,
        failure: undefined,
      });
      return true;
    } catch (error) {
      const failure = this.deps.describeFailure(error);
      this.update(first ? { latest: 'failed', failure } : { catchUpFailed: true, failure });
      return false;
    }
  }

  private async runCatchUp(): Promise<void> {
    const from = this.gapAfter ?? this.deps.newestConfirmed();
    // Nothing held yet (or the first page never came): the latest page is the catch-up.
    if (this.current.latest !== 'loaded' || from === undefined || from === NOTHING_HELD) {
      if (from === NOTHING_HELD) this.gapAfter = undefined;
      if (!(await this.runLoadLatest()) && from === NOTHING_HELD) this.gapAfter ??= from;
      return;
    }
    try {
      let page = await this.deps.fetchPage({ since: from.sentAt, limit: this.catchUpPageSize });
      this.receivePage(page);
      for (let pages = 1; page.hasNewer && page.newerCursor && pages < MAX_CATCH_UP_PAGES;) {
        page = await this.deps.fetchPage({ after: page.newerCursor, limit: this.catchUpPageSize });
        this.receivePage(page);
        pages += 1;
      }
      if (page.hasNewer) {
        // Stopping here would leave a hole between these pages and the live messages, which no
        // "Load earlier" reaches: keep the gap open and say that messages may be missing.
        this.update({
          catchUpFailed: true,
          failure: 'Too many messages came in while you were away.',
        });
        return;
      }
      if (this.gapAfter === from) this.gapAfter = undefined;
      this.update({ catchUpFailed: false, failure: undefined });
    } catch (error) {
      this.update({ catchUpFailed: true, failure: this.deps.describeFailure(error) });
    }
  }

  /** A catch-up page: new messages, and the changes of older ones made while away. */
  private receivePage(page: MessagePage): void {
    this.deps.receive(page.messages);
    if (page.changed && page.changed.length > 0) this.deps.receiveChanged(page.changed);
  }

  private update(change: Partial<HistoryState>): void {
    this.current = { ...this.current, ...change };
    this.deps.onChange(this.current);
  }
}
