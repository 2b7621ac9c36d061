import { Encoder, decode } from '@msgpack/msgpack';
import {
  type HubMessage,
  type HubProtocol,
  type MessageReader,
  MessageType,
  ProtocolError,
} from './hub-protocol.js';

/**
 * The MessagePack hub protocol (HubProtocol.md, "MessagePack (MsgPack) encoding"): each message
 * is a MessagePack array prefixed by its length as a VarInt (7 bits a byte, least significant
 * group first, high bit = more bytes follow, at most 5 bytes). Arrays by type:
 *
 *   1 Invocation        [1, headers, invocationId | nil, target, arguments, streamIds?]
 *   2 StreamItem        [2, headers, invocationId, item]
 *   3 Completion        [3, headers, invocationId, resultKind (1 error, 2 void, 3 result), value?]
 *   4 StreamInvocation  [4, headers, invocationId, target, arguments, streamIds?]
 *   5 CancelInvocation  [5, headers, invocationId]
 *   6 Ping              [6]
 *   7 Close             [7, error | nil, allowReconnect?]
 *   8 Ack, 9 Sequence   [type, sequenceId]
 *
 * Encoding and decoding are @msgpack/msgpack's, the library the official JavaScript client uses.
 */

const MAX_VARINT_BYTES = 5;
const ERROR_RESULT = 1;
const VOID_RESULT = 2;
const NON_VOID_RESULT = 3;

/** One encoder for every message: it reuses its working buffer (each result is copied out). */
const encoder = new Encoder();

function lengthPrefixed(payload: Uint8Array): Buffer {
  const prefix: number[] = [];
  let length = payload.length;
  do {
    let byte = length & 0x7f;
    length >>>= 7;
    if (length > 0) byte |= 0x80;
    prefix.push(byte);
  } while (length > 0);
  const framed = Buffer.allocUnsafe(prefix.length + payload.length);
  framed.set(prefix, 0);
  framed.set(payload, prefix.length);
  return framed;
}

function toArray(message: HubMessage): unknown[] {
  const headers = (message.headers as Record<string, string> | undefined) ?? {};
  const id = (message.invocationId as string | undefined) ?? null;
  switch (message.type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation:
      return [message.type, headers, id, message.target, message.arguments ?? []];
    case MessageType.StreamItem:
      return [message.type, headers, id, message.item];
    case MessageType.Completion:
      if (typeof message.error === 'string')
        return [message.type, headers, id, ERROR_RESULT, message.error];
      if ('result' in message) return [message.type, headers, id, NON_VOID_RESULT, message.result];
      return [message.type, headers, id, VOID_RESULT];
    case MessageType.CancelInvocation:
      return [message.type, headers, id];
    case MessageType.Ping:
      return [message.type];
    case MessageType.Close:
      return [
        message.type,
        (message.error as string | undefined) ?? null,
        message.allowReconnect === true,
      ];
    case MessageType.Ack:
    case MessageType.Sequence:
      return [message.type, message.sequenceId];
    default:
      throw new Error(`Cannot write a message of type ${message.type}.`);
  }
}

function need(array: unknown[], length: number, what: string): void {
  if (array.length < length) throw new ProtocolError(`Invalid payload for ${what} message.`);
}

/** `{headers}` when the map has entries, else nothing: the JSON protocol omits empty headers. */
function headersOf(array: unknown[]): { headers?: Record<string, unknown> } {
  const headers = array[1];
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) {
    throw new ProtocolError('Invalid headers: a MessagePack map is required.');
  }
  return Object.keys(headers).length > 0 ? { headers: headers as Record<string, unknown> } : {};
}

/** A decoded array as the protocol-neutral message (the JSON protocol's field names). */
function fromArray(value: unknown): HubMessage {
  if (!Array.isArray(value) || value.length === 0) {
    throw new ProtocolError('Message is not a non-empty MessagePack array.');
  }
  const type: unknown = value[0];
  if (typeof type !== 'number' || !Number.isInteger(type)) {
    throw new ProtocolError('Message has no integer type.');
  }
  const withId = (message: HubMessage): HubMessage => {
    if (value[2] !== null && value[2] !== undefined) message.invocationId = value[2];
    return message;
  };
  switch (type) {
    case MessageType.Invocation:
    case MessageType.StreamInvocation: {
      need(value, 5, type === MessageType.Invocation ? 'Invocation' : 'StreamInvocation');
      const message = withId({
        type,
        ...headersOf(value),
        target: value[3],
        arguments: value[4],
      });
      if (value[5] !== undefined) message.streamIds = value[5];
      return message;
    }
    case MessageType.StreamItem:
      need(value, 4, 'StreamItem');
      return withId({ type, ...headersOf(value), item: value[3] });
    case MessageType.Completion: {
      need(value, 4, 'Completion');
      const message = withId({ type, ...headersOf(value) });
      const kind: unknown = value[3];
      if (kind === VOID_RESULT) return message;
      need(value, 5, 'Completion');
      if (kind === ERROR_RESULT) message.error = value[4];
      else if (kind === NON_VOID_RESULT) message.result = value[4];
      else throw new ProtocolError(`Invalid Completion result kind ${String(kind)}.`);
      return message;
    }
    case MessageType.CancelInvocation:
      need(value, 3, 'CancelInvocation');
      return withId({ type, ...headersOf(value) });
    case MessageType.Close: {
      need(value, 2, 'Close');
      const message: HubMessage = { type };
      if (typeof value[1] === 'string') message.error = value[1];
      if (value[2] === true) message.allowReconnect = true;
      return message;
    }
    case MessageType.Ack:
    case MessageType.Sequence:
      need(value, 2, type === MessageType.Ack ? 'Ack' : 'Sequence');
      return { type, sequenceId: value[1] };
    default:
      return { type };
  }
}

class MessagePackReader implements MessageReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageSize: number) {}

  push(chunk: Buffer): HubMessage[] {
    let data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const messages: HubMessage[] = [];
    for (;;) {
      const header = this.readLength(data);
      if (header === undefined || data.length < header.offset + header.length) break;
      const payload = data.subarray(header.offset, header.offset + header.length);
      messages.push(decodeMessage(payload));
      data = data.subarray(header.offset + header.length);
    }
    this.pending = data;
    return messages;
  }

  /** The VarInt at the start of `data`, or undefined when it is not all there yet. */
  private readLength(data: Buffer): { length: number; offset: number } | undefined {
    let length = 0;
    for (let index = 0; index < MAX_VARINT_BYTES; index++) {
      if (index >= data.length) return undefined;
      const byte = data[index] as number;
      length += (byte & 0x7f) * 2 ** (7 * index);
      if ((byte & 0x80) === 0) {
        if (length > this.maxMessageSize) {
          throw new ProtocolError(
            `Message exceeds the maximum size of ${this.maxMessageSize} bytes.`,
          );
        }
        return { length, offset: index + 1 };
      }
    }
    throw new ProtocolError('Message length prefix is longer than 5 bytes.');
  }
}

function decodeMessage(payload: Buffer): HubMessage {
  if (payload.length === 0) throw new ProtocolError('Message is empty.');
  let value: unknown;
  try {
    value = decode(payload);
  } catch (error) {
    throw new ProtocolError(
      `Message is not valid MessagePack: ${error instanceof Error ? error.message : String(error)}.`,
    );
  }
  return fromArray(value);
}

export const messagePackHubProtocol: HubProtocol = {
  name: 'messagepack',
  binary: true,
  createReader: (maxMessageSize) => new MessagePackReader(maxMessageSize),
  write: (message) => lengthPrefixed(encoder.encode(toArray(message))),
};
