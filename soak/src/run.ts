// One soak run: the stack up, the people connected, sends at a steady rate with the faults at
// their seconds, the wait until everything accepted had time to arrive, the reads at the end,
// and the raw figures for the report.
import { LatencyHistogram } from './histogram.js';
import { newRunTag, type SoakSend } from './messages.js';
import type { FaultKind, SoakOptions } from './options.js';
import { SoakClients, type Progress } from './client-threads.js';
import { startSoakStack, type ProcessName, type SoakStack } from './soak-stack.js';
import type {
  AcceptedSend,
  AuditResult,
  Person,
  PersonResult,
  SendReport,
} from './thread-protocol.js';

export interface FaultRecord {
  id: number;
  kind: FaultKind;
  /** Planned second of the run, and the time it was injected. */
  at: number;
  startedAt: number;
  /** When the fault's own action was over (restarted, resumed, replaced, reconnectable). */
  endedAt?: number;
  error?: string;
  /** Seconds from injection to the first send accepted on an attempt started after it. */
  healedAcceptSeconds?: number;
  /** Seconds from injection to the first live delivery of a message stamped after it. */
  healedLiveSeconds?: number;
  person?: number;
}

export interface StepRecord {
  rate: number;
  offered: number;
  accepted: number;
  /** Accepted within STEADY_WAIT_MS of being offered, per second of the step. */
  acceptedInTimePerSecond: number;
  /** Offer to 202 (queueing behind the sender's earlier sends, retries, the API). */
  sendWait: LatencyHistogram;
  outside: LatencyHistogram;
  inside: LatencyHistogram;
}

export interface RunRecord {
  run: string;
  startedAt: string;
  options: SoakOptions;
  connect: { connected: number; failures: string[]; seconds: number };
  sends: {
    offered: number;
    accepted: number;
    acceptedNotDelivered: number;
    refused: Record<string, number>;
    abandoned: number;
    /** Failed attempts that were retried, by status. */
    retried: Record<string, number>;
    sendsRetried: number;
  };
  steps: StepRecord[];
  faults: FaultRecord[];
  people: PersonResult[];
  audit?: AuditResult;
  settle: { seconds: number; missingAtVerify: number };
  memory: {
    start: Partial<Record<ProcessName, number>>;
    end: Partial<Record<ProcessName, number>>;
  };
  crashes: string[];
  durationSeconds: number;
}

const now = (): number => performance.timeOrigin + performance.now();
/** A step keeps up when its sends are accepted within this of being offered. */
export const STEADY_WAIT_MS = 5_000;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(
  options: SoakOptions,
  log: (line: string) => void,
  keepLogs: (lines: string[]) => Promise<void>,
): Promise<RunRecord> {
  const began = now();
  const run = newRunTag();
  const settings: Record<string, string> = {};
  if (options.rateLimit !== undefined) settings.ChatRateLimitCount = String(options.rateLimit);
  log('starting Azurite, the SignalR emulator and the Functions host (builds api/ if needed)');
  const stack = await startSoakStack(settings);
  let clients: SoakClients | undefined;
  const cleanUp = async (): Promise<void> => {
    await clients?.close().catch(() => undefined);
    await keepLogs(stack.logLines()).catch(() => undefined);
    await stack.stop();
  };
  // Ctrl-C (or a test's timeout) must not leave Azurite, the emulator or the host running.
  const interrupted = (signal: NodeJS.Signals): void => {
    log(`${signal}: stopping the clients and the stack`);
    void cleanUp().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    return await runOnStack(stack, run, options, log, (made) => (clients = made), began);
  } finally {
    process.off('SIGINT', interrupted);
    process.off('SIGTERM', interrupted);
    await cleanUp();
  }
}

async function runOnStack(
  stack: SoakStack,
  run: string,
  options: SoakOptions,
  log: (line: string) => void,
  expose: (clients: SoakClients) => void,
  began: number,
): Promise<RunRecord> {
  const people: Person[] = Array.from({ length: options.clients }, (_, index) => ({
    index,
    userId: `soak-${run}-${index}`,
    name: `soak person ${index}`,
  }));
  const reports: SendReport[] = [];
  const newlyAccepted: AcceptedSend[] = [];
  const clients = new SoakClients({
    apiUrl: stack.apiUrl,
    people,
    threads: options.threads,
    run,
    steps: options.rates.length,
    ...(options.bypassApi
      ? { bypass: { connectionString: stack.signalRConnectionString, hub: 'chat' } }
      : {}),
    onSent: (report) => {
      reports.push(report);
      if (report.outcome === 'accepted' && report.sentAt !== undefined) {
        newlyAccepted.push({ g: report.send.g, sentAt: report.sentAt });
      }
    },
  });
  expose(clients);

  log(`connecting ${options.clients} clients on ${options.threads} thread(s)`);
  const connectStarted = now();
  const connect = await clients.connect(options.connectConcurrency);
  const connectSeconds = (now() - connectStarted) / 1000;
  log(`${connect.connected}/${options.clients} connected in ${connectSeconds.toFixed(1)} s`);
  for (const failure of connect.failures.slice(0, 5)) log(`  connect failed: ${failure}`);
  const memoryStart = stack.memory();

  // The announcer: every thread learns what was accepted, to count what each person misses.
  const announcer = setInterval(() => clients.announceAccepted(newlyAccepted.splice(0)), 250);

  const faults: FaultRecord[] = [];
  const faultRuns: Promise<void>[] = [];
  const marginMs = options.faultMarginSeconds * 1000;
  const inject = (kind: FaultKind, at: number): void => {
    const record: FaultRecord = { id: faults.length, kind, at, startedAt: now() };
    faults.push(record);
    const person = kind === 'network-cut' ? options.cutClient : undefined;
    if (person !== undefined) record.person = person;
    clients.fault({
      id: record.id,
      start: record.startedAt,
      ...(person === undefined ? {} : { person }),
    });
    log(`fault: ${kind}${person === undefined ? '' : ` (person ${person})`}`);
    const action = async (): Promise<void> => {
      switch (kind) {
        case 'emulator-kill':
          return stack.killEmulator();
        case 'storage-freeze':
          return stack.freezeStorage(options.freezeSeconds * 1000);
        case 'worker-kill':
          return stack.killWorker();
        case 'network-cut':
          clients.cut(options.cutClient, options.cutSeconds * 1000);
          return sleep(options.cutSeconds * 1000);
      }
    };
    faultRuns.push(
      action().then(
        () => {
          record.endedAt = now();
          clients.fault({
            id: record.id,
            start: record.startedAt,
            end: record.endedAt + marginMs,
            ...(person === undefined ? {} : { person }),
          });
          log(
            `fault over: ${kind} in ${((record.endedAt - record.startedAt) / 1000).toFixed(1)} s`,
          );
        },
        (error: unknown) => {
          record.error = (error as Error).message;
          log(`fault failed: ${kind}: ${record.error}`);
        },
      ),
    );
  };

  // The schedule: a steady rate per step, round-robin over the senders; each sender sends one
  // message at a time, so a stalled sender's next messages wait behind it (in order).
  const senderSeq = new Array<number>(options.senders).fill(0);
  let g = 0;
  let nextSender = 0;
  const stepOf: number[] = [];
  const sendStarted = now();
  const pendingFaults = [...options.faults];
  let lastProgress = sendStarted;
  for (let step = 0; step < options.rates.length; step += 1) {
    const rate = options.rates[step]!;
    const stepStarted = sendStarted + step * options.seconds * 1000;
    const stepEnds = stepStarted + options.seconds * 1000;
    let sentInStep = 0;
    log(`step ${step + 1}/${options.rates.length}: ${rate} msg/s for ${options.seconds} s`);
    while (now() < stepEnds) {
      const t = now();
      const due = Math.floor(((t - stepStarted) * rate) / 1000);
      for (; sentInStep < due; sentInStep += 1) {
        const sender = nextSender;
        nextSender = (nextSender + 1) % options.senders;
        const send: SoakSend = { g, step, sender, seq: senderSeq[sender]!, offeredAt: t };
        senderSeq[sender]! += 1;
        stepOf[g] = step;
        g += 1;
        clients.send(send);
      }
      while (pendingFaults[0] && t - sendStarted >= pendingFaults[0].at * 1000) {
        const fault = pendingFaults.shift()!;
        inject(fault.kind, fault.at);
      }
      if (t - lastProgress >= 5_000) {
        lastProgress = t;
        void clients
          .progress()
          .then((progress) => log(progressLine(t - sendStarted, g, reports, progress)));
      }
      await sleep(Math.max(1, Math.min(20, stepEnds - now())));
    }
  }
  const offered = g;
  log(`sending over: ${offered} offered; waiting for unfinished sends and faults`);
  await Promise.all(faultRuns);
  const drainDeadline = now() + options.drainSeconds * 1000;
  while (reports.length < offered && now() < drainDeadline) await sleep(200);
  if (reports.length < offered) {
    log(
      `${offered - reports.length} sends unfinished after ${options.drainSeconds} s: abandoning them`,
    );
    clients.stopSending();
    const abandonDeadline = now() + 60_000;
    while (reports.length < offered && now() < abandonDeadline) await sleep(200);
  }
  clearInterval(announcer);
  clients.announceAccepted(newlyAccepted.splice(0));

  // Settle: until every person holds every accepted message (live or caught up), or nothing
  // changes for 15 s (what is still missing then is looked for in the timeline), at most 120 s.
  const settleStarted = now();
  let last: Progress = await clients.progress();
  let lastChange = now();
  while (last.missing > 0) {
    await sleep(1_000);
    const progress = await clients.progress();
    if (progress.missing !== last.missing) lastChange = now();
    last = progress;
    if (now() - lastChange > 15_000 || now() - settleStarted > 120_000) break;
  }
  const settleSeconds = (now() - settleStarted) / 1000;
  log(
    `settled in ${settleSeconds.toFixed(1)} s (${last.missing} deliveries still missing); reading timelines`,
  );

  const acceptedReports = reports.filter((report) => report.outcome === 'accepted');
  const firstSentAt = acceptedReports
    .map((report) => report.sentAt!)
    .sort()
    .at(0);
  const verified = await clients.verify(0, options.bypassApi ? undefined : firstSentAt);
  const memoryEnd = stack.memory();

  // Heal times: first accepted send (attempt started after the fault) and first live delivery.
  for (const fault of faults) {
    const accepts = acceptedReports
      .filter(
        (report) =>
          report.lastAttemptAt >= fault.startedAt &&
          (fault.person === undefined || report.send.sender === fault.person),
      )
      .map((report) => report.answeredAt);
    if (accepts.length > 0) {
      fault.healedAcceptSeconds = (Math.min(...accepts) - fault.startedAt) / 1000;
    }
    const deliveries = verified
      .map((reply) => reply.firstDeliveryAfter[fault.id])
      .filter((at): at is number => at !== undefined);
    if (deliveries.length > 0) {
      fault.healedLiveSeconds = (Math.min(...deliveries) - fault.startedAt) / 1000;
    }
  }

  const steps: StepRecord[] = options.rates.map((rate, step) => {
    const outside = new LatencyHistogram();
    const inside = new LatencyHistogram();
    for (const reply of verified) {
      outside.merge(LatencyHistogram.from(reply.latency[step]!.outside));
      inside.merge(LatencyHistogram.from(reply.latency[step]!.inside));
    }
    const stepReports = acceptedReports.filter((report) => report.send.step === step);
    const sendWait = new LatencyHistogram();
    for (const report of stepReports) sendWait.add(report.answeredAt - report.send.offeredAt);
    const inTime = stepReports.filter(
      (report) => report.answeredAt - report.send.offeredAt <= STEADY_WAIT_MS,
    ).length;
    return {
      rate,
      offered: stepOf.filter((s) => s === step).length,
      accepted: stepReports.length,
      acceptedInTimePerSecond: inTime / options.seconds,
      sendWait,
      outside,
      inside,
    };
  });

  const refused: Record<string, number> = {};
  const retried: Record<string, number> = {};
  let sendsRetried = 0;
  for (const report of reports) {
    if (report.outcome === 'refused') {
      refused[report.status] = (refused[report.status] ?? 0) + 1;
    }
    const entries = Object.entries(report.retried).filter(([, n]) => n > 0);
    if (entries.length > 0) sendsRetried += 1;
    for (const [status, n] of entries) retried[status] = (retried[status] ?? 0) + n;
  }

  const audit = verified.find((reply) => reply.audit)?.audit;
  return {
    run,
    startedAt: new Date(began).toISOString(),
    options,
    connect: { ...connect, seconds: connectSeconds },
    sends: {
      offered,
      accepted: acceptedReports.length,
      acceptedNotDelivered: acceptedReports.filter((report) => report.delivered === false).length,
      refused,
      abandoned:
        reports.filter((report) => report.outcome === 'abandoned').length +
        (offered - reports.length),
      retried,
      sendsRetried,
    },
    steps,
    faults,
    people: verified.flatMap((reply) => reply.people).sort((a, b) => a.index - b.index),
    ...(audit ? { audit } : {}),
    settle: { seconds: settleSeconds, missingAtVerify: last.missing },
    memory: { start: memoryStart, end: memoryEnd },
    crashes: [...stack.crashes],
    durationSeconds: (now() - began) / 1000,
  };
}

function progressLine(
  elapsedMs: number,
  offered: number,
  reports: SendReport[],
  progress: Progress,
): string {
  const accepted = reports.filter((report) => report.outcome === 'accepted').length;
  return (
    `  ${(elapsedMs / 1000).toFixed(0)} s: ${offered} offered, ${accepted} accepted, ` +
    `${progress.pendingSends} pending; ${progress.delivered} delivered live; ` +
    `${progress.connected} connected; ${progress.missing} deliveries outstanding`
  );
}
