// A worker thread holding some of the soak's people. Each person is an official
// `@microsoft/signalr` client (negotiating through the API with the SWA principal header, as
// the app does behind SWA), sends what the main thread schedules (retrying with the same id),
// catches up after every reconnect as the app does, and checks everything it receives.
import { parentPort, workerData } from 'node:worker_threads';
import {
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  NullLogger,
  type HubConnection,
  type IHttpConnectionOptions,
} from '@microsoft/signalr';
import { loadConfig } from '../../api/src/config.js';
import type { ChatMessage, MessagePage } from '../../api/src/shared/chat-message.js';
import { createHubClient, type HubClient } from '../../api/src/signalr/rest-client.js';
import { CuttableNetwork, NetworkCutError, type WebSocketConstructor } from './cuttable-network.js';
import { LatencyHistogram } from './histogram.js';
import { messageId, messageText, parseMessageText, type SoakSend } from './messages.js';
import type {
  AcceptedSend,
  AuditResult,
  ClientThreadData,
  FaultWindow,
  MainToThread,
  Person,
  PersonResult,
  SendReport,
  ThreadToMain,
} from './thread-protocol.js';

if (!parentPort) throw new Error('client-thread.ts runs as a worker thread only');
const port = parentPort;
const data = workerData as ClientThreadData;
const post = (message: ThreadToMain): void => port.postMessage(message);

// The app's own choices (app/src/connection/signalr-connection.ts, app/src/timeline/history.ts,
// app/src/api/messages.ts; they import the app's `@chat/message` alias, so they cannot be
// loaded here): a reconnect policy that never gives up, spread at random; the latest page of 50;
// catch-up pages of 200 up to 1,000 pages; 20 s deadlines on sends and page reads.
const RETRY_DELAYS_MS = [0, 1_000, 2_000, 5_000, 10_000];
const retryDelayMs = (attempts: number): number => {
  const base = RETRY_DELAYS_MS[Math.min(attempts, RETRY_DELAYS_MS.length - 1)] ?? 10_000;
  return Math.round(base + Math.random() * Math.max(1_000, base / 2));
};
const PAGE_SIZE = 50;
const CATCH_UP_PAGE_SIZE = 200;
const MAX_CATCH_UP_PAGES = 1000;
const SEND_TIMEOUT_MS = 20_000;
const PAGE_TIMEOUT_MS = 20_000;
/** The API's largest page, for the reads at the end (which the app does not make). */
const FINAL_PAGE_SIZE = 200;
/** At the end, a stretch longer than this without a missing message is jumped over. */
const FINAL_READ_JUMP_MS = 60_000;
/**
 * How long a person waits before trying again what failed (a send, a catch-up): in the app a
 * person presses Retry, seconds apart and later each time, not a client looping at full speed.
 * Doubling from 1 s up to 30 s, spread at random, so that a fault's aftermath is not made worse
 * by the retries of everyone at once (the soak's first long runs collapsed under their own
 * retries after the emulator restarted at twice the rate the stack can carry).
 */
const retryAfterFailureMs = (failures: number): number =>
  Math.min(30_000, 1_000 * 2 ** Math.min(failures, 5)) * (0.5 + Math.random() / 2);

// Per person and message number: how it was held. Live arrivals are counted (to 15).
const LIVE_MASK = 0x0f;
const CAUGHT_UP = 0x10;
const FOUND_AT_END = 0x20;

const now = (): number => performance.timeOrigin + performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function grow(array: Uint8Array<ArrayBuffer>, index: number): Uint8Array<ArrayBuffer> {
  if (index < array.length) return array;
  let length = array.length;
  while (length <= index) length *= 2;
  const bigger = new Uint8Array(length);
  bigger.set(array);
  return bigger;
}

/** What the main thread has announced as accepted: shared by every person of the thread. */
const accepted = {
  flags: new Uint8Array(1024),
  list: [] as AcceptedSend[],
  add(batch: AcceptedSend[]): void {
    for (const item of batch) {
      this.flags = grow(this.flags, item.g);
      if (this.flags[item.g]) continue;
      this.flags[item.g] = 1;
      this.list.push(item);
      for (const person of people) person.announce(item.g);
    }
  },
  has(g: number): boolean {
    return g < this.flags.length && this.flags[g] === 1;
  },
};

const faults: FaultWindow[] = [];
const firstDeliveryAfter: Record<number, number> = {};
const latency = Array.from({ length: data.steps }, () => ({
  outside: new LatencyHistogram(),
  inside: new LatencyHistogram(),
}));
let sendingStopped = false;
const bypassHub: HubClient | undefined = data.bypass
  ? createHubClient(
      loadConfig({ AzureSignalRConnectionString: data.bypass.connectionString }).signalR,
      data.bypass.hub,
    )
  : undefined;

function principalHeader(person: Person): string {
  return Buffer.from(
    JSON.stringify({
      identityProvider: 'github',
      userId: person.userId,
      userDetails: person.name,
      userRoles: ['anonymous', 'authenticated'],
    }),
  ).toString('base64');
}

class SoakPerson {
  readonly network = new CuttableNetwork();
  private readonly hub: HubConnection;
  private readonly principal: string;
  private held = new Uint8Array(1024);
  private readonly lastSeq: Int32Array;
  private newest: string | undefined;
  /** Where the next catch-up starts (the app's `gapAfter`): the newest held when the gap opened. */
  private gapAfter: string | 'nothing' | undefined;
  private catchingUp = false;
  private catchUpFailuresInARow = 0;
  private catchUpAgain = false;
  private stopped = false;
  private restartAttempts = 0;
  private readonly queue: SoakSend[] = [];
  private sending = false;
  missing = 0;
  readonly result: PersonResult;
  readonly doubled = new Set<number>();

  constructor(readonly person: Person) {
    this.principal = principalHeader(person);
    this.lastSeq = new Int32Array(data.peopleCount).fill(-1);
    this.result = {
      index: person.index,
      lost: [],
      unverified: [],
      doubled: [],
      outOfOrderLive: 0,
      repeats: 0,
      receivedLive: 0,
      caughtUp: 0,
      foundAtEnd: 0,
      reconnects: 0,
      restarts: 0,
      catchUps: 0,
      catchUpFailures: 0,
      catchUpsCapped: 0,
      connectedAtEnd: false,
      timelinePages: 0,
      timelineErrors: [],
    };
    // `WebSocket` is the client's own (untyped) option for the constructor it uses in Node.
    const connectionOptions: IHttpConnectionOptions & { WebSocket: WebSocketConstructor } = {
      headers: { 'x-ms-client-principal': this.principal },
      WebSocket: this.network.WebSocket,
      httpClient: this.network.httpClient(NullLogger.instance),
    };
    this.hub = new HubConnectionBuilder()
      .withUrl(data.apiUrl, connectionOptions)
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) => retryDelayMs(context.previousRetryCount),
      })
      .configureLogging(LogLevel.None)
      .build();
    this.hub.on('newMessage', (message: ChatMessage) => this.receive(message, 'live'));
    for (const event of ['userJoined', 'userLeft', 'typing']) this.hub.on(event, () => {});
    this.hub.onreconnecting(() => this.connectionLost());
    this.hub.onreconnected(() => {
      this.result.reconnects += 1;
      void this.catchUp();
    });
    // The official client gives up only when the policy says so (ours never does); the app
    // restarts a closed connection all the same, and so does the soak.
    this.hub.onclose(() => {
      if (this.stopped) return;
      this.connectionLost();
      this.scheduleRestart();
    });
  }

  get connected(): boolean {
    return this.hub.state === HubConnectionState.Connected;
  }

  get pendingSends(): number {
    return this.queue.length + (this.sending ? 1 : 0);
  }

  async start(): Promise<void> {
    await this.hub.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.hub.stop().catch(() => undefined);
  }

  /** A message the main thread says was accepted: this person must end up holding it. */
  announce(g: number): void {
    if (this.stateOf(g) === 0) this.missing += 1;
  }

  private stateOf(g: number): number {
    return g < this.held.length ? this.held[g]! : 0;
  }

  receive(message: ChatMessage, via: 'live' | 'catch-up' | 'final'): void {
    const arrival = now();
    const send = typeof message?.text === 'string' ? parseMessageText(message.text) : undefined;
    if (!send) return;
    const { g } = send;
    if (message.id !== messageId(data.run, g)) {
      // The same send under another id: a person would see it twice.
      this.doubled.add(g);
      return;
    }
    this.held = grow(this.held, g);
    const state = this.held[g]!;
    if (state === 0 && accepted.has(g)) this.missing -= 1;
    if (this.newest === undefined || message.sentAt > this.newest) this.newest = message.sentAt;
    if (via === 'live') {
      if (state === 0) this.firstLiveArrival(send, message.sentAt, arrival);
      else this.result.repeats += 1;
      this.held[g] = (state & ~LIVE_MASK) | Math.min(LIVE_MASK, (state & LIVE_MASK) + 1);
    } else if (via === 'catch-up') {
      if (state === 0) this.result.caughtUp += 1;
      this.held[g] = state | CAUGHT_UP;
    } else {
      if (state === 0) this.result.foundAtEnd += 1;
      this.held[g] = state | FOUND_AT_END;
    }
  }

  private firstLiveArrival(
    send: Omit<SoakSend, 'offeredAt'>,
    sentAt: string,
    arrival: number,
  ): void {
    this.result.receivedLive += 1;
    const stamped = Date.parse(sentAt);
    let inFault = false;
    for (const fault of faults) {
      if (fault.person !== undefined && fault.person !== this.person.index) continue;
      if (arrival >= fault.start && stamped <= (fault.end ?? Infinity)) inFault = true;
      if (stamped >= fault.start && !(firstDeliveryAfter[fault.id]! <= arrival)) {
        firstDeliveryAfter[fault.id] = arrival;
      }
    }
    const histograms = latency[Math.min(send.step, latency.length - 1)]!;
    (inFault ? histograms.inside : histograms.outside).add(arrival - stamped);
    if (send.seq < this.lastSeq[send.sender]!) this.result.outOfOrderLive += 1;
    else this.lastSeq[send.sender] = send.seq;
  }

  private connectionLost(): void {
    this.gapAfter ??= this.newest ?? 'nothing';
  }

  private scheduleRestart(): void {
    this.restartAttempts += 1;
    setTimeout(() => void this.restart(), retryDelayMs(this.restartAttempts));
  }

  private async restart(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.hub.start();
    } catch {
      if (!this.stopped) this.scheduleRestart();
      return;
    }
    this.restartAttempts = 0;
    this.result.restarts += 1;
    void this.catchUp();
  }

  // ---- catch-up, as app/src/timeline/history.ts does it ----

  private async catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = true;
    try {
      do {
        this.catchUpAgain = false;
        await this.runCatchUp();
      } while (this.catchUpAgain && !this.stopped);
    } finally {
      this.catchingUp = false;
    }
  }

  private async runCatchUp(): Promise<void> {
    this.result.catchUps += 1;
    const from = this.gapAfter ?? this.newest;
    try {
      if (from === undefined || from === 'nothing') {
        const page = await this.fetchPage({ limit: String(PAGE_SIZE) });
        this.receivePage(page, 'catch-up');
        if (from === 'nothing') this.gapAfter = undefined;
        return;
      }
      let page = await this.fetchPage({ since: from, limit: String(CATCH_UP_PAGE_SIZE) });
      this.receivePage(page, 'catch-up');
      let pages = 1;
      while (page.hasNewer && page.newerCursor && pages < MAX_CATCH_UP_PAGES) {
        page = await this.fetchPage({
          after: page.newerCursor,
          limit: String(CATCH_UP_PAGE_SIZE),
        });
        this.receivePage(page, 'catch-up');
        pages += 1;
      }
      if (page.hasNewer) {
        // The app keeps the gap open and says messages may be missing; the person retries.
        this.result.catchUpsCapped += 1;
        throw new Error('catch-up bound reached');
      }
      if (this.gapAfter === from) this.gapAfter = undefined;
      this.catchUpFailuresInARow = 0;
    } catch {
      this.result.catchUpFailures += 1;
      const wait = retryAfterFailureMs(this.catchUpFailuresInARow);
      this.catchUpFailuresInARow += 1;
      if (!this.stopped) setTimeout(() => void this.catchUp(), wait);
    }
  }

  private receivePage(page: MessagePage, via: 'catch-up' | 'final'): void {
    for (const message of page.messages) this.receive(message, via);
  }

  async fetchPage(query: Record<string, string>): Promise<MessagePage> {
    const response = await this.network.fetch(
      `${data.apiUrl}/messages?${new URLSearchParams(query).toString()}`,
      { headers: { 'x-ms-client-principal': this.principal } },
      PAGE_TIMEOUT_MS,
    );
    if (response.status !== 200) {
      throw new Error(`GET /api/messages answered ${response.status}: ${await response.text()}`);
    }
    return (await response.json()) as MessagePage;
  }

  // ---- sends: one at a time, in order, each retried with its id until accepted ----

  enqueue(send: SoakSend): void {
    this.queue.push(send);
    if (!this.sending) void this.drain();
  }

  private async drain(): Promise<void> {
    this.sending = true;
    for (let send = this.queue.shift(); send; send = this.queue.shift()) {
      post({ type: 'sent', report: await this.sendOne(send) });
    }
    this.sending = false;
  }

  private async sendOne(send: SoakSend): Promise<SendReport> {
    const retried: Record<string, number> = {};
    const firstAttemptAt = now();
    const report = (
      outcome: SendReport['outcome'],
      status: number,
      lastAttemptAt: number,
      extra: Partial<SendReport> = {},
    ): SendReport => ({
      send,
      outcome,
      status,
      retried,
      firstAttemptAt,
      lastAttemptAt,
      answeredAt: now(),
      ...extra,
    });
    const failed = (key: string): void => {
      retried[key] = (retried[key] ?? 0) + 1;
    };
    for (let attempt = 0; ; attempt += 1) {
      const attemptAt = now();
      if (sendingStopped) return report('abandoned', 0, attemptAt);
      const backoff = retryAfterFailureMs(attempt);
      if (bypassHub) {
        const message: ChatMessage = {
          id: messageId(data.run, send.g),
          text: messageText(send),
          sender: { id: this.person.userId, name: this.person.name },
          conversationId: 'general',
          isPrivate: false,
          sentAt: new Date().toISOString(),
        };
        try {
          await bypassHub.sendToAll('newMessage', [message]);
          return report('accepted', 202, attemptAt, { sentAt: message.sentAt, delivered: true });
        } catch {
          failed('network');
          await sleep(backoff);
          continue;
        }
      }
      let response: Response;
      try {
        response = await this.network.fetch(
          `${data.apiUrl}/messages`,
          {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              'x-ms-client-principal': this.principal,
            },
            body: JSON.stringify({ id: messageId(data.run, send.g), text: messageText(send) }),
          },
          SEND_TIMEOUT_MS,
        );
      } catch (error) {
        failed(error instanceof NetworkCutError || !isTimeout(error) ? 'network' : 'timeout');
        await sleep(backoff);
        continue;
      }
      if (response.status === 202) {
        const body = (await response.json()) as ChatMessage & { delivered?: boolean };
        return report('accepted', 202, attemptAt, {
          sentAt: body.sentAt,
          delivered: body.delivered !== false,
        });
      }
      failed(String(response.status));
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after')) || 1;
        await sleep(seconds * 1000);
      } else if (response.status >= 500 || response.status === 408) {
        await sleep(backoff);
      } else {
        retried[String(response.status)]! -= 1; // the final answer, not a retry
        return report('refused', response.status, attemptAt);
      }
    }
  }

  // ---- the reads at the end ----

  /**
   * Reads the timeline where this person's missing messages are: from the oldest one not held,
   * page after page until each is found or passed, jumping ahead (a new `since`) over long
   * stretches without any; a person holding everything reads the latest page, which must hold
   * the newest messages.
   */
  async verify(): Promise<PersonResult> {
    this.result.connectedAtEnd = this.connected;
    const missing = accepted.list
      .filter((item) => this.stateOf(item.g) === 0)
      .sort((a, b) => (a.sentAt < b.sentAt ? -1 : a.sentAt > b.sentAt ? 1 : 0));
    try {
      if (missing.length === 0) {
        this.receivePage(await this.fetchPage({ limit: String(PAGE_SIZE) }), 'final');
        this.result.timelinePages += 1;
      }
      let next = 0;
      let atTheEnd = false;
      while (next < missing.length && !atTheEnd) {
        let page = await this.fetchPage({
          since: missing[next]!.sentAt,
          limit: String(FINAL_PAGE_SIZE),
        });
        for (;;) {
          this.result.timelinePages += 1;
          this.receivePage(page, 'final');
          const reached = page.messages.at(-1)?.sentAt ?? '';
          // Found, or older than the page's newest message without being in it.
          while (
            next < missing.length &&
            (this.stateOf(missing[next]!.g) !== 0 || missing[next]!.sentAt < reached)
          ) {
            next += 1;
          }
          const cursor = page.hasNewer ? page.newerCursor : undefined;
          if (cursor === undefined) atTheEnd = true;
          if (next >= missing.length || cursor === undefined) break;
          const gap = Date.parse(missing[next]!.sentAt) - Date.parse(reached);
          if (gap > FINAL_READ_JUMP_MS) break;
          page = await this.fetchPage({
            after: cursor,
            limit: String(FINAL_PAGE_SIZE),
          });
        }
      }
    } catch (error) {
      this.result.timelineErrors.push((error as Error).message);
    }
    const notHeld = accepted.list
      .filter((item) => this.stateOf(item.g) === 0)
      .map((item) => item.g);
    // Without a complete read, what was not received may still be stored: not known to be lost.
    if (this.result.timelineErrors.length > 0) this.result.unverified = notHeld;
    else this.result.lost = notHeld;
    this.result.doubled = [...this.doubled];
    return this.result;
  }

  /** Pages from `since` to the newest; returns the number of pages. */
  async readForward(since: string, onPage: (page: MessagePage) => void): Promise<number> {
    let page = await this.fetchPage({ since, limit: String(FINAL_PAGE_SIZE) });
    onPage(page);
    let pages = 1;
    while (page.hasNewer && page.newerCursor) {
      page = await this.fetchPage({ after: page.newerCursor, limit: String(FINAL_PAGE_SIZE) });
      onPage(page);
      pages += 1;
    }
    return pages;
  }

  /** The whole timeline of the run, once: ids stored twice and the senders' order in storage. */
  async audit(firstSentAt: string): Promise<AuditResult> {
    const count = new Map<string, number>();
    const idsOfSend = new Map<number, Set<string>>();
    const lastSeq = new Int32Array(data.peopleCount).fill(-1);
    const result: AuditResult = {
      messages: 0,
      duplicateIds: 0,
      doubled: [],
      outOfOrder: 0,
      pages: 0,
    };
    try {
      result.pages = await this.readForward(firstSentAt, (page) => {
        for (const message of page.messages) {
          const send = parseMessageText(message.text);
          if (!send) continue;
          const seen = count.get(message.id) ?? 0;
          count.set(message.id, seen + 1);
          // `since` starts a settle window early and pages may overlap: only new ids count.
          if (seen > 0) continue;
          result.messages += 1;
          const ids = idsOfSend.get(send.g) ?? new Set<string>();
          ids.add(message.id);
          idsOfSend.set(send.g, ids);
          if (send.seq < lastSeq[send.sender]!) result.outOfOrder += 1;
          else lastSeq[send.sender] = send.seq;
        }
      });
    } catch (error) {
      result.error = (error as Error).message;
    }
    for (const [g, ids] of idsOfSend) if (ids.size > 1) result.doubled.push(g);
    return result;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timeout|aborted/i.test(`${error.name} ${error.message}`);
}

const people = data.people.map((person) => new SoakPerson(person));
const byIndex = new Map(people.map((person) => [person.person.index, person]));

async function connectAll(concurrency: number): Promise<void> {
  const failures: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < people.length) {
        const person = people[next]!;
        next += 1;
        let lastError: unknown;
        for (let attempt = 0; attempt < 3; attempt += 1) {
          try {
            await person.start();
            lastError = undefined;
            break;
          } catch (error) {
            lastError = error;
            await sleep(500);
          }
        }
        if (lastError) failures.push(`${person.person.userId}: ${(lastError as Error).message}`);
      }
    }),
  );
  post({ type: 'connected', connected: people.filter((p) => p.connected).length, failures });
}

async function verifyAll(auditor: number | undefined, firstSentAt: string | undefined) {
  const results: PersonResult[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < people.length) {
        const person = people[next]!;
        next += 1;
        results.push(await person.verify());
      }
    }),
  );
  const auditing = auditor === undefined ? undefined : byIndex.get(auditor);
  const audit =
    auditing && firstSentAt !== undefined ? await auditing.audit(firstSentAt) : undefined;
  results.sort((a, b) => a.index - b.index);
  post({
    type: 'verified',
    people: results,
    latency: latency.map(({ outside, inside }) => ({
      outside: outside.toJSON(),
      inside: inside.toJSON(),
    })),
    firstDeliveryAfter,
    ...(audit ? { audit } : {}),
  });
}

port.on('message', (message: MainToThread) => {
  switch (message.type) {
    case 'connect':
      void connectAll(message.concurrency);
      break;
    case 'send':
      byIndex.get(message.send.sender)?.enqueue(message.send);
      break;
    case 'accepted':
      accepted.add(message.batch);
      break;
    case 'fault': {
      const known = faults.find((fault) => fault.id === message.fault.id);
      if (known) Object.assign(known, message.fault);
      else faults.push({ ...message.fault });
      break;
    }
    case 'cut':
      byIndex.get(message.person)?.network.cut(message.ms);
      break;
    case 'progress':
      post({
        type: 'progress',
        delivered: people.reduce((sum, p) => sum + p.result.receivedLive, 0),
        connected: people.filter((p) => p.connected).length,
        missing: people.reduce((sum, p) => sum + p.missing, 0),
        pendingSends: people.reduce((sum, p) => sum + p.pendingSends, 0),
      });
      break;
    case 'stop-sending':
      sendingStopped = true;
      break;
    case 'verify':
      void verifyAll(message.auditor, message.firstSentAt);
      break;
    case 'close':
      void Promise.all(people.map((person) => person.stop())).then(() => {
        post({ type: 'closed' });
      });
      break;
  }
});
