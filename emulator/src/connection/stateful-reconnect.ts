import {
  type HubMessage,
  MessageType,
  ProtocolError,
  isSequenced,
} from '../protocol/hub-protocol.js';
import { OutgoingMessage } from '../protocol/outgoing.js';

/**
 * Stateful reconnect's bookkeeping for one connection (the protocol of ASP.NET Core SignalR's
 * MessageBuffer, read in dotnet/aspnetcore and @microsoft/signalr): both sides number the
 * messages they send that matter (invocations, stream items, completions, cancels) from 1, keep
 * them until the other side acknowledges them with an Ack, and after a reconnect send a
 * Sequence message with the first id they still hold, then everything held, so nothing is lost;
 * the receiving side skips ids it has already seen, so nothing is doubled.
 */

/** How long after receiving a message the server acknowledges it (the client waits 1 s too). */
const ACK_DELAY_MS = 1000;

interface Held {
  id: number;
  message: OutgoingMessage;
  bytes: number;
}

export class StatefulReconnect {
  private readonly held: Held[] = [];
  private heldBytes = 0;
  private sentCount = 0;
  private nextReceivingId = 1;
  private latestReceivedId = 0;
  private ackTimer: NodeJS.Timeout | undefined;

  /**
   * `sendAck` writes an Ack on the current wire (if any); `limitBytes` bounds what a client that
   * never acknowledges can make the server hold.
   */
  constructor(
    private readonly sendAck: (message: OutgoingMessage) => void,
    private readonly limitBytes: number,
  ) {}

  /** Numbers an outgoing message and holds it until acknowledged; false past the byte limit. */
  hold(message: OutgoingMessage, bytes: number): boolean {
    if (!message.sequenced) return true;
    this.sentCount++;
    this.held.push({ id: this.sentCount, message, bytes });
    this.heldBytes += bytes;
    return this.heldBytes <= this.limitBytes;
  }

  /** The client's Ack: everything up to `sequenceId` arrived. */
  acknowledged(message: HubMessage): void {
    const id = sequenceIdOf(message, 'Ack');
    let drop = 0;
    while (drop < this.held.length && (this.held[drop] as Held).id <= id) {
      this.heldBytes -= (this.held[drop] as Held).bytes;
      drop++;
    }
    this.held.splice(0, drop);
  }

  /** What to write on a new wire: a Sequence with the first id still held, then those messages. */
  resend(): OutgoingMessage[] {
    const first = this.held[0]?.id ?? this.sentCount + 1;
    return [
      new OutgoingMessage({ type: MessageType.Sequence, sequenceId: first }),
      ...this.held.map((entry) => entry.message),
    ];
  }

  /** The client's Sequence after a reconnect: the id of the next message it will (re)send. */
  resetReceiving(message: HubMessage): void {
    const id = sequenceIdOf(message, 'Sequence');
    if (id > this.nextReceivingId) {
      throw new ProtocolError(
        'Sequence ID greater than the number of messages the server received.',
      );
    }
    this.nextReceivingId = id;
  }

  /** For each incoming message: false for a resent one already handled (skip it). */
  isNew(message: HubMessage): boolean {
    if (!isSequenced(message)) return true;
    const id = this.nextReceivingId++;
    this.scheduleAck();
    if (id <= this.latestReceivedId) return false;
    this.latestReceivedId = id;
    return true;
  }

  dispose(): void {
    clearTimeout(this.ackTimer);
    this.held.length = 0;
  }

  private scheduleAck(): void {
    if (this.ackTimer !== undefined) return;
    this.ackTimer = setTimeout(() => {
      this.ackTimer = undefined;
      this.sendAck(
        new OutgoingMessage({ type: MessageType.Ack, sequenceId: this.latestReceivedId }),
      );
    }, ACK_DELAY_MS);
    this.ackTimer.unref();
  }
}

function sequenceIdOf(message: HubMessage, what: string): number {
  const id = message.sequenceId;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
    throw new ProtocolError(`${what} message has no integer "sequenceId".`);
  }
  return id;
}
