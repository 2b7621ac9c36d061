import {
  type HubMessage,
  type HubProtocol,
  type MessageReader,
  ProtocolError,
} from './hub-protocol.js';

/**
 * The JSON hub protocol: each message is a JSON object followed by the record separator 0x1e.
 * Records are split on bytes: 0x1e never occurs inside a multi-byte UTF-8 sequence, so a
 * message cut anywhere by a transport is reassembled intact.
 */

export const RECORD_SEPARATOR = '\x1e';
const SEPARATOR_BYTE = 0x1e;

/** Complete records of `text`-framed input, as buffers without their separator. */
export class RecordReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageSize: number) {}

  push(chunk: Buffer): Buffer[] {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const records: Buffer[] = [];
    let start = 0;
    for (
      let end = data.indexOf(SEPARATOR_BYTE);
      end !== -1;
      end = data.indexOf(SEPARATOR_BYTE, start)
    ) {
      if (end - start > this.maxMessageSize) {
        throw new ProtocolError(
          `Message exceeds the maximum size of ${this.maxMessageSize} bytes.`,
        );
      }
      records.push(data.subarray(start, end));
      start = end + 1;
    }
    this.pending = data.subarray(start);
    if (this.pending.length > this.maxMessageSize) {
      throw new ProtocolError(
        `Message exceeds the maximum size of ${this.maxMessageSize} bytes or lacks its record separator.`,
      );
    }
    return records;
  }
}

export function parseJsonObject(record: string, what: string): Record<string, unknown> {
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

/** Parses one hub message record; throws ProtocolError for malformed input. */
export function parseHubMessage(record: string): HubMessage {
  const body = parseJsonObject(record, 'Message');
  if (typeof body.type !== 'number' || !Number.isInteger(body.type)) {
    throw new ProtocolError('Message has no integer "type".');
  }
  return body as HubMessage;
}

class JsonMessageReader implements MessageReader {
  private readonly records: RecordReader;

  constructor(maxMessageSize: number) {
    this.records = new RecordReader(maxMessageSize);
  }

  push(chunk: Buffer): HubMessage[] {
    return this.records.push(chunk).map((record) => parseHubMessage(record.toString('utf8')));
  }
}

export const jsonHubProtocol: HubProtocol = {
  name: 'json',
  binary: false,
  createReader: (maxMessageSize) => new JsonMessageReader(maxMessageSize),
  write: (message) => Buffer.from(JSON.stringify(message) + RECORD_SEPARATOR, 'utf8'),
};
