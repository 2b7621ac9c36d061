import { useCallback, useEffect, useRef, useState } from 'react';
import type { ConversationSummary } from '@chat/conversation';
import type { ChatMessage, OnlinePerson, TypingNotice, TypingRequest } from '@chat/message';
import type { ChatConnection, ConnectionStatus, CreateChatConnection } from './chat-connection.js';

export interface ConnectionHandlers {
  onMessage: (message: ChatMessage) => void;
  onMessageChanged?: (message: ChatMessage) => void;
  onReconnected?: () => void;
  onUnauthorized: () => void;
  onUserJoined?: (person: OnlinePerson) => void;
  onUserLeft?: (userId: string) => void;
  onTyping?: (notice: TypingNotice) => void;
  onConversationUpdated?: (summary: ConversationSummary) => void;
  onConversationRemoved?: (conversationId: string) => void;
}

export interface ChatConnectionState {
  status: ConnectionStatus;
  /** "I am typing" on the current connection; false when it could not be sent. */
  sendTyping: (request: TypingRequest) => boolean;
}

/** Owns one connection for the lifetime of the component and reports its status. */
export function useChatConnection(
  createConnection: CreateChatConnection,
  handlers: ConnectionHandlers,
): ChatConnectionState {
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
  const connectionRef = useRef<ChatConnection | null>(null);
  // Handlers change on every render; the connection must not be rebuilt for that.
  const handlersRef = useRef(handlers);
  useEffect(() => {
    handlersRef.current = handlers;
  });

  useEffect(() => {
    const connection = createConnection();
    const unsubscribe = [
      connection.on('status', setStatus),
      connection.on('message', (message) => handlersRef.current.onMessage(message)),
      connection.on('messageChanged', (message) => handlersRef.current.onMessageChanged?.(message)),
      connection.on('reconnected', () => handlersRef.current.onReconnected?.()),
      connection.on('unauthorized', () => handlersRef.current.onUnauthorized()),
      connection.on('userJoined', (person) => handlersRef.current.onUserJoined?.(person)),
      connection.on('userLeft', (userId) => handlersRef.current.onUserLeft?.(userId)),
      connection.on('typing', (notice) => handlersRef.current.onTyping?.(notice)),
      connection.on('conversationUpdated', (summary) =>
        handlersRef.current.onConversationUpdated?.(summary),
      ),
      connection.on('conversationRemoved', (id) => handlersRef.current.onConversationRemoved?.(id)),
    ];
    connectionRef.current = connection;
    connection.start();
    setStatus(connection.status);
    return () => {
      for (const off of unsubscribe) off();
      connectionRef.current = null;
      void connection.stop();
    };
  }, [createConnection]);

  const sendTyping = useCallback(
    (request: TypingRequest) => connectionRef.current?.sendTyping(request) ?? false,
    [],
  );
  return { status, sendTyping };
}
