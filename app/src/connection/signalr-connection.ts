import { CONVERSATION_REMOVED_EVENT, CONVERSATION_UPDATED_EVENT } from '@chat/conversation';
import {
  MESSAGE_CHANGED_EVENT,
  NEW_MESSAGE_EVENT,
  TYPING_EVENT,
  TYPING_INVOCATION,
  USER_JOINED_EVENT,
  USER_LEFT_EVENT,
  type TypingRequest,
} from '@chat/message';
import {
  HttpError,
  HubConnectionBuilder,
  HubConnectionState,
  LogLevel,
  type HubConnection,
  type RetryContext,
} from '@microsoft/signalr';
import { isChatMessage } from '../api/chat-message-guard.js';
import { isConversationRemoved, isConversationSummary } from '../api/conversation-guard.js';
import { isOnlinePerson, isTypingNotice, isUserLeft } from '../presence/guards.js';
import {
  ChatConnectionEmitter,
  type ChatConnection,
  type ChatConnectionEvents,
  type ConnectionStatus,
} from './chat-connection.js';

/**
 * Unlike SignalR's default policy (0, 2, 10, 30 s, then give up), this one never gives up:
 * a chat tab left open through a server restart should come back by itself.
 */
const RETRY_DELAYS_MS = [0, 1_000, 2_000, 5_000, 10_000] as const;

/**
 * The delay before the next attempt, spread at random over up to half of it (at least 1 s):
 * when the service restarts, every tab loses its connection at the same moment, and without
 * the spread all of them negotiate and catch up in the same instant (the soak saw hundreds of
 * catch-ups fail at once on storage that answered them one by one).
 */
export function retryDelayMs(previousAttempts: number, random: () => number = Math.random): number {
  const index = Math.min(previousAttempts, RETRY_DELAYS_MS.length - 1);
  const base = RETRY_DELAYS_MS[index] ?? 10_000;
  return Math.round(base + random() * Math.max(1_000, base / 2));
}

/**
 * The client reports a refused negotiate as a plain Error whose message carries the status
 * ("... Status code '401'"), so the message is the only place to read it from.
 */
export function isUnauthorizedError(error: unknown): boolean {
  if (error instanceof HttpError) return error.statusCode === 401;
  return error instanceof Error && /Status code '401'/.test(error.message);
}

export interface SignalRConnectionOptions {
  /** Where `/negotiate` is appended; SWA routes `/api/negotiate` to the API. */
  url?: string;
  /** Window whose online/offline events are followed (the global one by default). */
  browser?: Pick<Window, 'addEventListener' | 'removeEventListener'> & {
    navigator: { onLine: boolean };
  };
  /** What the SignalR client logs to the console. */
  logLevel?: LogLevel;
}

class SignalRChatConnection implements ChatConnection {
  private readonly emitter = new ChatConnectionEmitter();
  private readonly hub: HubConnection;
  private connectionStatus: ConnectionStatus = 'offline';
  private browserOffline: boolean;
  private reportedStatus: ConnectionStatus = 'offline';
  private started = false;
  private stopped = false;
  private everConnected = false;
  private unauthorized = false;
  private restartAttempts = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: Required<SignalRConnectionOptions>) {
    this.browserOffline = !options.browser.navigator.onLine;
    this.hub = new HubConnectionBuilder()
      .withUrl(options.url)
      // A short network drop resumes the same connection and the service resends what the
      // socket lost, so no catch-up round trip is needed; longer outages still reconnect below.
      .withStatefulReconnect()
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context: RetryContext) => {
          if (isUnauthorizedError(context.retryReason)) {
            this.unauthorized = true;
            return null;
          }
          return retryDelayMs(context.previousRetryCount);
        },
      })
      .configureLogging(options.logLevel)
      .build();

    this.hub.on(NEW_MESSAGE_EVENT, (payload: unknown) => {
      if (isChatMessage(payload)) this.emitter.emit('message', payload);
      else console.warn('Ignored a malformed chat message event.');
    });
    this.hub.on(MESSAGE_CHANGED_EVENT, (payload: unknown) => {
      if (isChatMessage(payload)) this.emitter.emit('messageChanged', payload);
      else console.warn('Ignored a malformed messageChanged event.');
    });
    this.hub.on(USER_JOINED_EVENT, (payload: unknown) => {
      if (isOnlinePerson(payload)) this.emitter.emit('userJoined', payload);
      else console.warn('Ignored a malformed userJoined event.');
    });
    this.hub.on(USER_LEFT_EVENT, (payload: unknown) => {
      if (isUserLeft(payload)) this.emitter.emit('userLeft', payload.id);
      else console.warn('Ignored a malformed userLeft event.');
    });
    this.hub.on(TYPING_EVENT, (payload: unknown) => {
      if (isTypingNotice(payload)) this.emitter.emit('typing', payload);
      else console.warn('Ignored a malformed typing event.');
    });
    this.hub.on(CONVERSATION_UPDATED_EVENT, (payload: unknown) => {
      if (isConversationSummary(payload)) this.emitter.emit('conversationUpdated', payload);
      else console.warn('Ignored a malformed conversationUpdated event.');
    });
    this.hub.on(CONVERSATION_REMOVED_EVENT, (payload: unknown) => {
      if (isConversationRemoved(payload)) this.emitter.emit('conversationRemoved', payload.id);
      else console.warn('Ignored a malformed conversationRemoved event.');
    });
    this.hub.onreconnecting(() => this.setConnectionStatus('reconnecting'));
    this.hub.onreconnected(() => {
      this.setConnectionStatus('connected');
      this.emitter.emit('reconnected');
    });
    this.hub.onclose((error) => this.handleClose(error));
  }

  get status(): ConnectionStatus {
    return this.reportedStatus;
  }

  on<E extends keyof ChatConnectionEvents>(
    event: E,
    listener: ChatConnectionEvents[E],
  ): () => void {
    return this.emitter.on(event, listener);
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.options.browser.addEventListener('online', this.handleOnline);
    this.options.browser.addEventListener('offline', this.handleOffline);
    this.setConnectionStatus('connecting');
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    this.options.browser.removeEventListener('online', this.handleOnline);
    this.options.browser.removeEventListener('offline', this.handleOffline);
    await this.hub.stop();
    this.setConnectionStatus('offline');
  }

  sendTyping(request: TypingRequest): boolean {
    if (this.hub.state !== HubConnectionState.Connected) return false;
    // A lost typing notice only means a shorter "is typing…" for the others: not worth a retry.
    this.hub.send(TYPING_INVOCATION, request).catch(() => undefined);
    return true;
  }

  private async connect(): Promise<void> {
    this.restartTimer = undefined;
    try {
      await this.hub.start();
    } catch (error) {
      if (this.stopped) return;
      if (isUnauthorizedError(error)) {
        this.endSession();
        return;
      }
      this.setConnectionStatus(this.everConnected ? 'reconnecting' : 'offline');
      this.scheduleRestart();
      return;
    }
    if (this.stopped) return;
    const wasConnectedBefore = this.everConnected;
    this.everConnected = true;
    this.restartAttempts = 0;
    this.setConnectionStatus('connected');
    if (wasConnectedBefore) this.emitter.emit('reconnected');
  }

  private handleClose(error: Error | undefined): void {
    if (this.stopped) return;
    if (this.unauthorized || isUnauthorizedError(error)) {
      this.endSession();
      return;
    }
    this.setConnectionStatus(this.everConnected ? 'reconnecting' : 'offline');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delay = retryDelayMs(this.restartAttempts + 1);
    this.restartAttempts += 1;
    this.restartTimer = setTimeout(() => void this.connect(), delay);
  }

  private endSession(): void {
    this.setConnectionStatus('offline');
    this.emitter.emit('unauthorized');
  }

  private readonly handleOnline = (): void => {
    this.browserOffline = false;
    this.report();
    // Waiting out a backoff delay makes no sense once the network is back.
    if (this.restartTimer !== undefined && !this.stopped) {
      clearTimeout(this.restartTimer);
      void this.connect();
    }
  };

  private readonly handleOffline = (): void => {
    this.browserOffline = true;
    this.report();
  };

  private setConnectionStatus(status: ConnectionStatus): void {
    this.connectionStatus = status;
    this.report();
  }

  private report(): void {
    const status = this.browserOffline ? 'offline' : this.connectionStatus;
    if (status === this.reportedStatus) return;
    this.reportedStatus = status;
    this.emitter.emit('status', status);
  }
}

/** A ChatConnection over the official SignalR client, negotiating through our API. */
export function createSignalRConnection(options: SignalRConnectionOptions = {}): ChatConnection {
  return new SignalRChatConnection({
    url: options.url ?? '/api',
    browser: options.browser ?? window,
    logLevel: options.logLevel ?? LogLevel.Warning,
  });
}
