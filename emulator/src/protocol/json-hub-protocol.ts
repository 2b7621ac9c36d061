/**
 * The SignalR JSON hub protocol (version 1): record-separator framing, the handshake and the
 * message types. Pure functions: no I/O, no timers.
 */

export const RECORD_SEPARATOR = '\x1e';

export const MessageType = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
  Ack: 8,
  Sequence: 9,
} as const;

export interface HubMessage {
  type: number;
  target?: unknown;
  [key: string]: unknown;
}

export class ProtocolError extends Error {}

/**
 * Splits incoming text into complete records. Text after the last separator stays buffered
 * (a transport may deliver a record in pieces); a record or a buffered tail larger than
 * `maxMessageSize` is a protocol error.
 */
export class RecordReader {
  private pending = '';

  constructor(private readonly maxMessageSize: number) {}

  push(chunk: string): string[] {
    const text = this.pending + chunk;
    const records = text.split(RECORD_SEPARATOR);
    this.pending = records.pop() ?? '';
    if (Buffer.byteLength(this.pending) > this.maxMessageSize) {
      throw new ProtocolError(
        `Message exceeds the maximum size of ${this.maxMessageSize} bytes or lacks its record separator.`,
      );
    }
    for (const record of records) {
      if (record.length > this.maxMessageSize && Buffer.byteLength(record) > this.maxMessageSize) {
        throw new ProtocolError(
          `Message exceeds the maximum size of ${this.maxMessageSize} bytes.`,
        );
      }
    }
    return records;
  }
}

function parseObject(record: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(record);
  } catch {
    throw new ProtocolError(`${what} is not valid JSON.`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ProtocolError(`${what} must be a JSON object.`);
  }
  return value as Record<string, unknown>;
}

export interface HandshakeRequest {
  protocol: string;
  version: number;
}

export const SUPPORTED_PROTOCOL = 'json';
export const SUPPORTED_VERSION = 1;

/** Parses and checks a handshake request; throws ProtocolError with the reason to report. */
export function parseHandshake(record: string): HandshakeRequest {
  const body = parseObject(record, 'Handshake request');
  const { protocol, version } = body;
  if (typeof protocol !== 'string' || typeof version !== 'number') {
    throw new ProtocolError(
      'Handshake request must have a string "protocol" and a number "version".',
    );
  }
  if (protocol !== SUPPORTED_PROTOCOL) {
    throw new ProtocolError(`The protocol '${protocol}' is not supported.`);
  }
  if (version !== SUPPORTED_VERSION) {
    throw new ProtocolError(
      `The server does not support version ${version} of the '${protocol}' protocol.`,
    );
  }
  return { protocol, version };
}

/** Parses one hub message record; throws ProtocolError for malformed input. */
export function parseHubMessage(record: string): HubMessage {
  const body = parseObject(record, 'Message');
  if (typeof body.type !== 'number' || !Number.isInteger(body.type)) {
    throw new ProtocolError('Message has no integer "type".');
  }
  return body as HubMessage;
}

export function frame(message: object): string {
  return JSON.stringify(message) + RECORD_SEPARATOR;
}

export const HANDSHAKE_OK = '{}' + RECORD_SEPARATOR;
export const PING = frame({ type: MessageType.Ping });

export function handshakeError(error: string): string {
  return frame({ error });
}

export function closeMessage(error: string | undefined, allowReconnect: boolean): string {
  const message: { type: number; error?: string; allowReconnect?: boolean } = {
    type: MessageType.Close,
  };
  if (error !== undefined && error !== '') message.error = error;
  if (allowReconnect) message.allowReconnect = true;
  return frame(message);
}

export function invocationMessage(target: string, args: readonly unknown[]): string {
  return frame({ type: MessageType.Invocation, target, arguments: args });
}
