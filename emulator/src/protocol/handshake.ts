import { type HubProtocol, ProtocolError } from './hub-protocol.js';
import { RECORD_SEPARATOR, jsonHubProtocol, parseJsonObject } from './json-hub-protocol.js';
import { messagePackHubProtocol } from './messagepack-hub-protocol.js';

/**
 * The handshake, the same for every hub protocol: the client's first record is JSON text
 * ending with 0x1e, `{"protocol": "json" | "messagepack", "version": 1 | 2}`, and the server
 * answers `{}` or `{"error": "..."}` with the separator. Version 2 adds Ack and Sequence
 * (stateful reconnect); what follows the handshake in the same chunk is in the chosen protocol.
 */

const PROTOCOLS: readonly HubProtocol[] = [jsonHubProtocol, messagePackHubProtocol];
const SUPPORTED_VERSIONS = [1, 2];
const SEPARATOR_BYTE = 0x1e;

export interface HandshakeRequest {
  protocol: HubProtocol;
  version: number;
}

export const HANDSHAKE_OK = Buffer.from('{}' + RECORD_SEPARATOR);

export function handshakeError(error: string): Buffer {
  return Buffer.from(JSON.stringify({ error }) + RECORD_SEPARATOR);
}

/** Checks a handshake request; throws ProtocolError with the reason to report. */
export function parseHandshake(record: string): HandshakeRequest {
  const body = parseJsonObject(record, 'Handshake request');
  const { protocol, version } = body;
  if (typeof protocol !== 'string' || typeof version !== 'number') {
    throw new ProtocolError(
      'Handshake request must have a string "protocol" and a number "version".',
    );
  }
  const chosen = PROTOCOLS.find((candidate) => candidate.name === protocol);
  if (!chosen) throw new ProtocolError(`The protocol '${protocol}' is not supported.`);
  if (!SUPPORTED_VERSIONS.includes(version)) {
    throw new ProtocolError(
      `The server does not support version ${version} of the '${protocol}' protocol.`,
    );
  }
  return { protocol: chosen, version };
}

/** Collects bytes until the handshake record is complete. */
export class HandshakeReader {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly maxMessageSize: number) {}

  /** The request and the bytes after it, or undefined while the record is incomplete. */
  push(chunk: Buffer): { request: HandshakeRequest; rest: Buffer } | undefined {
    const data = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const end = data.indexOf(SEPARATOR_BYTE);
    if (end === -1) {
      if (data.length > this.maxMessageSize) {
        throw new ProtocolError(
          `Message exceeds the maximum size of ${this.maxMessageSize} bytes or lacks its record separator.`,
        );
      }
      this.pending = data;
      return undefined;
    }
    this.pending = Buffer.alloc(0);
    return {
      request: parseHandshake(data.subarray(0, end).toString('utf8')),
      rest: data.subarray(end + 1),
    };
  }
}
