import { useEffect, useRef, useState } from 'react';
import type { ChatMessage } from '@chat/message';
import type { ConnectionStatus, CreateChatConnection } from './chat-connection.js';

export interface ConnectionHandlers {
  onMessage: (message: ChatMessage) => void;
  onReconnected?: () => void;
  onUnauthorized: () => void;
}

/** Owns one connection for the lifetime of the component and reports its status. */
export function useChatConnection(
  createConnection: CreateChatConnection,
  handlers: ConnectionHandlers,
): ConnectionStatus {
  const [status, setStatus] = useState<ConnectionStatus>('connecting');
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
      connection.on('reconnected', () => handlersRef.current.onReconnected?.()),
      connection.on('unauthorized', () => handlersRef.current.onUnauthorized()),
    ];
    connection.start();
    setStatus(connection.status);
    return () => {
      for (const off of unsubscribe) off();
      void connection.stop();
    };
  }, [createConnection]);

  return status;
}
