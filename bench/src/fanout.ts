import type { Broadcaster } from './broadcaster.js';
import type { Clients } from './client-pool.js';
import {
  broadcastBody,
  makePayload,
  nowMs,
  type BenchPayload,
  type ClientProtocol,
} from './protocol.js';
import { distribution, type Distribution } from './stats.js';

export interface FanoutOptions {
  broadcasts: number;
  /** Broadcasts sent but not yet delivered to every client, at most. */
  inFlight: number;
  payloadBytes: number;
  timeoutMs: number;
}

export interface FanoutResult {
  broadcasts: number;
  clients: number;
  expected: number;
  delivered: number;
  restErrors: number;
  firstRestError?: string;
  /** REST calls sent twice because a kept-alive socket was closed under them. */
  restRetries: number;
  timedOut: boolean;
  /** From the first REST call to the last delivery. */
  durationMs: number;
  messagesPerSecond: number;
  /** REST call sent → frame received by a client, over every delivery. */
  latencyMs: Distribution;
  /** The same, for the JSON clients and for the MessagePack clients apart. */
  byProtocol: Record<ClientProtocol, { delivered: number; latencyMs: Distribution }>;
}

let nextRun = 0;

/**
 * Broadcasts `broadcasts` payloads, keeping at most `inFlight` of them undelivered, and measures
 * every delivery to every client. A bounded loop: it stops at `timeoutMs` whatever happens.
 */
export async function runFanout(
  pool: Clients,
  broadcaster: Broadcaster,
  clients: number,
  options: FanoutOptions,
): Promise<FanoutResult> {
  const run = nextRun++;
  const broadcasts = clients > 0 ? options.broadcasts : 0;
  const expected = broadcasts * clients;
  const received = new Uint32Array(broadcasts);
  const latencies = new Float64Array(expected);
  const perProtocol: Record<ClientProtocol, number[]> = { json: [], messagepack: [] };
  let delivered = 0;
  let completed = 0;
  let lastDelivery = 0;
  let restErrors = 0;
  let restRetries = 0;
  let firstRestError: string | undefined;
  let wake: (() => void) | undefined;

  const complete = (): void => {
    completed++;
    wake?.();
  };

  pool.onBroadcast((payload: BenchPayload, receivedAt: number, protocol: ClientProtocol) => {
    if (payload.run !== run || payload.seq >= broadcasts) return;
    if (delivered < expected) latencies[delivered] = receivedAt - payload.sentAt;
    perProtocol[protocol].push(receivedAt - payload.sentAt);
    delivered++;
    lastDelivery = receivedAt;
    if (++received[payload.seq]! === clients) complete();
  });

  const started = nowMs();
  const deadline = started + options.timeoutMs;
  const waitForCompletion = (): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, deadline - nowMs()));
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  let sent = 0;
  while (sent < broadcasts && nowMs() < deadline) {
    if (sent - completed >= options.inFlight) {
      await waitForCompletion();
      continue;
    }
    const seq = sent++;
    broadcaster.send(broadcastBody(makePayload(run, seq, options.payloadBytes))).then(
      ({ status, retried }) => {
        if (retried) restRetries++;
        if (status !== 202) restFailed(`HTTP ${status}`);
      },
      (error: unknown) => restFailed(String(error)),
    );
  }
  while (completed < broadcasts && nowMs() < deadline) await waitForCompletion();
  pool.onBroadcast(() => undefined);

  function restFailed(reason: string): void {
    restErrors++;
    firstRestError ??= reason;
    complete(); // nothing will arrive for it; do not let it hold a slot
  }

  const durationMs = (lastDelivery || nowMs()) - started;
  return {
    broadcasts,
    clients,
    expected,
    delivered,
    restErrors,
    restRetries,
    ...(firstRestError === undefined ? {} : { firstRestError }),
    timedOut: completed < broadcasts,
    durationMs,
    messagesPerSecond: durationMs > 0 ? (delivered / durationMs) * 1000 : 0,
    latencyMs: distribution(latencies, Math.min(delivered, expected)),
    byProtocol: {
      json: { delivered: perProtocol.json.length, latencyMs: distribution(perProtocol.json) },
      messagepack: {
        delivered: perProtocol.messagepack.length,
        latencyMs: distribution(perProtocol.messagepack),
      },
    },
  };
}
