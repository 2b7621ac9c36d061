// The slice of the SignalR JSON hub protocol that the bench clients speak.

export const RECORD_SEPARATOR = '\x1e';
export const HANDSHAKE_REQUEST = `${JSON.stringify({ protocol: 'json', version: 1 })}${RECORD_SEPARATOR}`;
export const PING_MESSAGE = `${JSON.stringify({ type: 6 })}${RECORD_SEPARATOR}`;
export const BROADCAST_TARGET = 'newMessage';
export const INVOCATION_TYPE = 1;
export const CLOSE_TYPE = 7;

/** What every broadcast carries: who sent it when, padded to the configured size. */
export interface BenchPayload {
  run: number;
  seq: number;
  sentAt: number;
  pad: string;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable across worker threads. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function makePayload(run: number, seq: number, payloadBytes: number): BenchPayload {
  const payload: BenchPayload = { run, seq, sentAt: nowMs(), pad: '' };
  const overhead = JSON.stringify(payload).length;
  payload.pad = 'x'.repeat(Math.max(0, payloadBytes - overhead));
  return payload;
}

/** The REST body of a broadcast: the same bytes go to the emulator and to the baseline. */
export function broadcastBody(payload: BenchPayload): string {
  return JSON.stringify({ target: BROADCAST_TARGET, arguments: [payload] });
}

/** Splits one WebSocket frame into its hub messages (a frame may hold several). */
export function splitRecords(frame: string): string[] {
  return frame.split(RECORD_SEPARATOR).filter((record) => record.length > 0);
}

interface HubMessage {
  type?: unknown;
  target?: unknown;
  arguments?: unknown;
  error?: unknown;
}

export type Incoming =
  | { kind: 'broadcast'; payload: BenchPayload }
  | { kind: 'close'; error: string }
  | { kind: 'other' };

export function parseRecord(record: string): Incoming {
  const message = JSON.parse(record) as HubMessage;
  if (message.type === CLOSE_TYPE) {
    return { kind: 'close', error: typeof message.error === 'string' ? message.error : '' };
  }
  if (
    message.type === INVOCATION_TYPE &&
    typeof message.target === 'string' &&
    message.target.toLowerCase() === BROADCAST_TARGET.toLowerCase() &&
    Array.isArray(message.arguments) &&
    isBenchPayload(message.arguments[0])
  ) {
    return { kind: 'broadcast', payload: message.arguments[0] };
  }
  return { kind: 'other' };
}

function isBenchPayload(value: unknown): value is BenchPayload {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.run === 'number' &&
    typeof candidate.seq === 'number' &&
    typeof candidate.sentAt === 'number'
  );
}
