// The slice of the SignalR hub protocols (JSON and MessagePack) that the bench clients speak.
import { decode, encode } from '@msgpack/msgpack';

export type ClientProtocol = 'json' | 'messagepack';
export const CLIENT_PROTOCOLS: readonly ClientProtocol[] = ['json', 'messagepack'];

export const RECORD_SEPARATOR = '\x1e';
const SEPARATOR_BYTE = 0x1e;
export const HANDSHAKE_REQUEST = `${JSON.stringify({ protocol: 'json', version: 1 })}${RECORD_SEPARATOR}`;
export const MESSAGEPACK_HANDSHAKE_REQUEST = `${JSON.stringify({ protocol: 'messagepack', version: 1 })}${RECORD_SEPARATOR}`;
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

/** A MessagePack hub message: its VarInt length (7 bits a byte, low first), then the bytes. */
export function frameMessagePack(message: unknown[]): Buffer {
  const payload = encode(message);
  const prefix: number[] = [];
  let length = payload.length;
  do {
    prefix.push((length & 0x7f) | (length > 0x7f ? 0x80 : 0));
    length >>>= 7;
  } while (length > 0);
  return Buffer.concat([Buffer.from(prefix), payload]);
}

export const MESSAGEPACK_PING = frameMessagePack([6]);

/** The MessagePack invocation a broadcast becomes: [1, headers, invocationId, target, arguments]. */
export function messagePackInvocation(target: string, args: unknown[]): Buffer {
  return frameMessagePack([INVOCATION_TYPE, {}, null, target, args]);
}

/** Splits a binary frame into its MessagePack messages, decoded. */
export function splitMessagePack(frame: Buffer): unknown[] {
  const messages: unknown[] = [];
  let offset = 0;
  while (offset < frame.length) {
    let length = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = frame[offset++] ?? 0;
      length += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80 && offset < frame.length);
    messages.push(decode(frame.subarray(offset, offset + length)));
    offset += length;
  }
  return messages;
}

/** A decoded MessagePack message as the same three kinds the JSON side knows. */
export function parseMessagePack(message: unknown): Incoming {
  if (!Array.isArray(message)) return { kind: 'other' };
  if (message[0] === CLOSE_TYPE) {
    return { kind: 'close', error: typeof message[1] === 'string' ? message[1] : '' };
  }
  const [type, , , target, args] = message as [unknown, unknown, unknown, unknown, unknown];
  if (
    type === INVOCATION_TYPE &&
    typeof target === 'string' &&
    target.toLowerCase() === BROADCAST_TARGET.toLowerCase() &&
    Array.isArray(args) &&
    isBenchPayload(args[0])
  ) {
    return { kind: 'broadcast', payload: args[0] };
  }
  return { kind: 'other' };
}

/** The handshake answer (JSON text, whatever the protocol) and the bytes after it. */
export function splitHandshake(frame: Buffer): { answer: string; rest: Buffer } {
  const end = frame.indexOf(SEPARATOR_BYTE);
  if (end === -1) return { answer: frame.toString('utf8'), rest: Buffer.alloc(0) };
  return { answer: frame.subarray(0, end).toString('utf8'), rest: frame.subarray(end + 1) };
}

/** Which clients speak MessagePack: an even spread, `share` of them (0 none, 1 all). */
export function protocolOf(index: number, share: number): ClientProtocol {
  return Math.floor((index + 1) * share) > Math.floor(index * share) ? 'messagepack' : 'json';
}
