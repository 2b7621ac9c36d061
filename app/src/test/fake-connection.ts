import type { ConversationSummary } from '@chat/conversation';
import type { ChatMessage, OnlinePerson, TypingNotice, TypingRequest } from '@chat/message';
import {
  ChatConnectionEmitter,
  type ChatConnection,
  type ChatConnectionEvents,
  type ConnectionStatus,
} from '../connection/chat-connection.js';

/**
 * A ChatConnection the test drives by hand. The real SignalR client is exercised end to end
 * by the browser tests; here the point is what the UI does with each event.
 */
export class FakeConnection implements ChatConnection {
  status: ConnectionStatus = 'offline';
  started = false;
  stopped = false;
  /** Every `typing` invocation sent through this connection. */
  readonly typingSent: TypingRequest[] = [];
  private readonly emitter = new ChatConnectionEmitter();

  on<E extends keyof ChatConnectionEvents>(
    event: E,
    listener: ChatConnectionEvents[E],
  ): () => void {
    return this.emitter.on(event, listener);
  }

  start(): void {
    this.started = true;
    this.setStatus('connecting');
  }

  stop(): Promise<void> {
    this.stopped = true;
    this.setStatus('offline');
    return Promise.resolve();
  }

  setStatus(status: ConnectionStatus): void {
    this.status = status;
    this.emitter.emit('status', status);
  }

  deliver(message: ChatMessage): void {
    this.emitter.emit('message', message);
  }

  /** A `messageChanged` event: the message as it is now. */
  change(message: ChatMessage): void {
    this.emitter.emit('messageChanged', message);
  }

  endSession(): void {
    this.emitter.emit('unauthorized');
  }

  sendTyping(request: TypingRequest): boolean {
    if (this.status !== 'connected') return false;
    this.typingSent.push(request);
    return true;
  }

  userJoined(person: OnlinePerson): void {
    this.emitter.emit('userJoined', person);
  }

  userLeft(userId: string): void {
    this.emitter.emit('userLeft', userId);
  }

  typing(notice: TypingNotice): void {
    this.emitter.emit('typing', notice);
  }

  conversationUpdated(summary: ConversationSummary): void {
    this.emitter.emit('conversationUpdated', summary);
  }

  conversationRemoved(id: string): void {
    this.emitter.emit('conversationRemoved', id);
  }

  /** The SignalR connection's `reconnected` event, after it is connected again. */
  reconnect(): void {
    this.setStatus('connected');
    this.emitter.emit('reconnected');
  }
}
