/**
 * A message serialized once and written as-is to every target. The UTF-8 bytes are made at most
 * once, on first use, so a fan-out to many WebSockets does not re-encode the string per socket.
 */
export class OutgoingMessage {
  private bytes: Buffer | undefined;

  constructor(readonly text: string) {}

  get buffer(): Buffer {
    this.bytes ??= Buffer.from(this.text, 'utf8');
    return this.bytes;
  }
}
