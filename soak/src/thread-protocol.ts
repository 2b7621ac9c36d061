// Messages between the soak's main thread (schedule, faults, report) and the client threads
// (the people: their SignalR clients, their sends, their checks).
import type { SoakSend } from './messages.js';

export interface Person {
  index: number;
  userId: string;
  name: string;
}

export interface ClientThreadData {
  /** http://127.0.0.1:<port>/api on the Functions host. */
  apiUrl: string;
  people: Person[];
  /** Everyone in the run, for per-sender bookkeeping. */
  peopleCount: number;
  run: string;
  /** Sends go straight to the emulator's REST API instead of the chat API (the baseline). */
  bypass?: { connectionString: string; hub: string };
  /** How many rate steps the run has (latency is kept per step). */
  steps: number;
}

/** A fault as the clients see it: deliveries overlapping [start, end] count as "in a fault". */
export interface FaultWindow {
  id: number;
  start: number;
  /** Unknown until the fault is over (plus its margin). */
  end?: number;
  /** Only this person is affected (the network cut); everyone when absent. */
  person?: number;
}

export interface AcceptedSend {
  g: number;
  /** The API's stamp on the accepted message. */
  sentAt: string;
}

export type MainToThread =
  | { type: 'connect'; concurrency: number }
  | { type: 'send'; send: SoakSend }
  | { type: 'accepted'; batch: AcceptedSend[] }
  | { type: 'fault'; fault: FaultWindow }
  | { type: 'cut'; person: number; ms: number }
  | { type: 'progress' }
  | { type: 'stop-sending' }
  | { type: 'verify'; auditor?: number; firstSentAt?: string }
  | { type: 'close' };

export interface SendReport {
  send: SoakSend;
  outcome: 'accepted' | 'refused' | 'abandoned';
  /** Final status: 202, or the refusing status, or 0 for a network failure. */
  status: number;
  /** Failed attempts before the last one, by status ('network' / 'timeout' for no answer). */
  retried: Record<string, number>;
  sentAt?: string;
  /** False when the API stored the message but could not push it (202 delivered: false). */
  delivered?: boolean;
  firstAttemptAt: number;
  /** When the accepted attempt started and when its 202 arrived. */
  lastAttemptAt: number;
  answeredAt: number;
}

export interface PersonResult {
  index: number;
  /** Accepted messages neither received live nor found in the timeline. */
  lost: number[];
  /** Not received, and the timeline read that would have found them failed: unknown. */
  unverified: number[];
  /** Messages this person saw under two ids (a send stored twice). */
  doubled: number[];
  /** First live arrivals older than an earlier one from the same sender. */
  outOfOrderLive: number;
  /** Live arrivals of an id already held (merged by id, as the app does). */
  repeats: number;
  receivedLive: number;
  caughtUp: number;
  foundAtEnd: number;
  reconnects: number;
  /** Times the client gave up reconnecting and was restarted (as the app does). */
  restarts: number;
  catchUps: number;
  catchUpFailures: number;
  /** Catch-ups that stopped at the app's page cap with more to read. */
  catchUpsCapped: number;
  connectedAtEnd: boolean;
  timelinePages: number;
  timelineErrors: string[];
}

export interface HistogramData {
  buckets: Uint32Array;
  count: number;
  max: number;
}

export interface AuditResult {
  /** Messages of this run in the whole timeline, and how many ids appeared more than once. */
  messages: number;
  duplicateIds: number;
  /** Sends (by number) stored under more than one id. */
  doubled: number[];
  outOfOrder: number;
  pages: number;
  error?: string;
}

export type ThreadToMain =
  | { type: 'connected'; connected: number; failures: string[] }
  | { type: 'sent'; report: SendReport }
  | {
      type: 'progress';
      delivered: number;
      connected: number;
      /** Accepted messages (announced so far) not yet held, summed over this thread's people. */
      missing: number;
      pendingSends: number;
    }
  | {
      type: 'verified';
      people: PersonResult[];
      /** Per step: deliveries outside and inside fault windows. */
      latency: { outside: HistogramData; inside: HistogramData }[];
      /** Per fault id: the first live delivery of a message stamped after the fault began. */
      firstDeliveryAfter: Record<number, number>;
      audit?: AuditResult;
    }
  | { type: 'closed' };
