import type { HubMessage, HubProtocol } from './hub-protocol.js';
import { isSequenced } from './hub-protocol.js';

/**
 * A message serialized at most once per hub protocol and written as-is to every target: a
 * broadcast to a thousand JSON and MessagePack clients is encoded twice, not a thousand times.
 */
export class OutgoingMessage {
  private readonly encoded = new Map<string, Buffer>();
  readonly sequenced: boolean;

  /** `jsonText`: the exact JSON protocol bytes to send, when they exist already (a forwarded upstream answer). */
  constructor(
    readonly message: HubMessage,
    jsonText?: string,
  ) {
    if (jsonText !== undefined) this.encoded.set('json', Buffer.from(jsonText, 'utf8'));
    this.sequenced = isSequenced(message);
  }

  bytes(protocol: HubProtocol): Buffer {
    let bytes = this.encoded.get(protocol.name);
    if (bytes === undefined) {
      bytes = protocol.write(this.message);
      this.encoded.set(protocol.name, bytes);
    }
    return bytes;
  }
}
