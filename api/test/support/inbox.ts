import {
  HubConnectionBuilder,
  LogLevel,
  type HubConnection,
  type IHttpConnectionOptions,
} from '@microsoft/signalr';
import { NEW_MESSAGE_EVENT, type ChatMessage } from '../../src/shared/chat-message.js';

/** Every `newMessage` a connection received, with a way to wait for one by event, not by sleep. */
export class Inbox {
  readonly messages: ChatMessage[] = [];
  private waiters: { match: (m: ChatMessage) => boolean; resolve: (m: ChatMessage) => void }[] = [];

  constructor(readonly connection: HubConnection) {
    connection.on(NEW_MESSAGE_EVENT, (message: ChatMessage) => {
      this.messages.push(message);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(message)) return true;
        waiter.resolve(message);
        return false;
      });
    });
  }

  /** Resolves with the first message (already received or still to come) that matches. */
  waitFor(match: (message: ChatMessage) => boolean, timeoutMs = 10_000): Promise<ChatMessage> {
    const seen = this.messages.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching message within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      });
    });
  }

  withId(id: string): ChatMessage[] {
    return this.messages.filter((message) => message.id === id);
  }
}

/** Connects an official client and starts collecting its messages. */
export async function connectInbox(url: string, options: IHttpConnectionOptions): Promise<Inbox> {
  const connection = new HubConnectionBuilder()
    .withUrl(url, options)
    .withAutomaticReconnect([0, 200, 500, 1000, 2000])
    .configureLogging(LogLevel.None)
    .build();
  const inbox = new Inbox(connection);
  await connection.start();
  return inbox;
}
