import type { ConversationSummary } from '@chat/conversation';
import type { ChatMessage, OnlinePerson, TypingNotice, TypingRequest } from '@chat/message';

/**
 * What the UI needs from a real-time connection, and nothing more. The SignalR
 * implementation is in signalr-connection.ts; tests inject their own object.
 */

/** connecting: first start; reconnecting: lost after being connected; offline: not trying right now, or the browser is offline. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export interface ChatConnectionEvents {
  status: (status: ConnectionStatus) => void;
  message: (message: ChatMessage) => void;
  /** A message changed (edit, delete, reactions, its quote): the whole message as it is now. */
  messageChanged: (message: ChatMessage) => void;
  /** After a reconnect: the place to fetch what was missed (catch-up, issue 5). */
  reconnected: () => void;
  /** The API refused to negotiate with 401: the session has ended. */
  unauthorized: () => void;
  /** Presence (issue 6): a person's first connection arrived. */
  userJoined: (person: OnlinePerson) => void;
  /** Presence (issue 6): a person's last connection ended. */
  userLeft: (userId: string) => void;
  /** Someone else is typing in a conversation I am in. */
  typing: (notice: TypingNotice) => void;
  /** A conversation of mine appeared or changed (read position, mute): the whole summary. */
  conversationUpdated: (summary: ConversationSummary) => void;
  /** I left a conversation (in this tab or another). */
  conversationRemoved: (conversationId: string) => void;
}

export interface ChatConnection {
  readonly status: ConnectionStatus;
  /** Starts connecting; keeps retrying on its own until stop() is called. */
  start(): void;
  stop(): Promise<void>;
  /** Fire-and-forget "I am typing"; false when not connected (nothing was sent). */
  sendTyping(request: TypingRequest): boolean;
  on<E extends keyof ChatConnectionEvents>(event: E, listener: ChatConnectionEvents[E]): () => void;
}

export type CreateChatConnection = () => ChatConnection;

/** A tiny typed listener registry shared by ChatConnection implementations. */
export class ChatConnectionEmitter {
  private readonly listeners = new Map<
    keyof ChatConnectionEvents,
    Set<(...args: never[]) => void>
  >();

  on<E extends keyof ChatConnectionEvents>(
    event: E,
    listener: ChatConnectionEvents[E],
  ): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit<E extends keyof ChatConnectionEvents>(
    event: E,
    ...args: Parameters<ChatConnectionEvents[E]>
  ): void {
    for (const listener of this.listeners.get(event) ?? []) {
      (listener as (...a: Parameters<ChatConnectionEvents[E]>) => void)(...args);
    }
  }
}
