/**
 * What every SignalR hub protocol shares (HubProtocol.md in dotnet/aspnetcore): the message
 * types, a protocol-neutral message, and the interface the JSON and MessagePack protocols
 * implement. A connection picks one at the handshake and never looks at wire bytes itself.
 */

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

/**
 * A hub message in the JSON protocol's shape and field names (`type`, `target`, `arguments`,
 * `invocationId`, `result`, `error`, `allowReconnect`, `sequenceId`, ...), whatever protocol it
 * came in or goes out in.
 */
export interface HubMessage {
  type: number;
  target?: unknown;
  [key: string]: unknown;
}

export class ProtocolError extends Error {}

/** Splits incoming bytes into messages; bytes of an unfinished message stay buffered. */
export interface MessageReader {
  /** Throws ProtocolError for malformed or oversize input. */
  push(chunk: Buffer): HubMessage[];
}

export interface HubProtocol {
  /** The name a client asks for in its handshake. */
  readonly name: 'json' | 'messagepack';
  /** Binary transfer format (WebSocket binary frames; not possible over Server-Sent Events). */
  readonly binary: boolean;
  createReader(maxMessageSize: number): MessageReader;
  /** One message, framed (record separator or length prefix). */
  write(message: HubMessage): Buffer;
}

/** Messages that carry a sequence id under stateful reconnect (the others are never resent). */
export function isSequenced(message: HubMessage): boolean {
  return message.type >= MessageType.Invocation && message.type <= MessageType.CancelInvocation;
}
