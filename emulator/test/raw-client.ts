/** A raw WebSocket client for protocol-level tests: it speaks exactly the bytes it is given. */
import WebSocket from 'ws';
import type { RunningEmulator } from '../src/index.js';
import { clientToken } from './helpers.js';

export const RS = '\x1e';

export interface RawSocket {
  socket: WebSocket;
  /** Text frames received so far. */
  received: string[];
  /** Resolves with the close code once the socket closed. */
  closed: Promise<number>;
  nextFrame(timeoutMs?: number): Promise<string>;
}

/** Opens a WebSocket straight to `/client/` (negotiation skipped), not yet handshaken. */
export async function openRaw(
  running: RunningEmulator,
  user = 'raw',
  hub = 'chat',
): Promise<RawSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${running.port}/client/?hub=${hub}`, {
    headers: { authorization: `Bearer ${clientToken(hub, user)}` },
  });
  const received: string[] = [];
  let wake: (() => void) | undefined;
  socket.on('message', (data: Buffer) => {
    received.push(data.toString('utf8'));
    wake?.();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_request, response) =>
      reject(new Error(`HTTP ${response.statusCode}`)),
    );
    socket.once('error', reject);
  });
  let read = 0;
  const nextFrame = async (timeoutMs = 3000): Promise<string> => {
    const deadline = Date.now() + timeoutMs;
    while (read >= received.length) {
      if (Date.now() > deadline || socket.readyState === WebSocket.CLOSED)
        throw new Error('no frame');
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return received[read++] ?? '';
  };
  return { socket, received, closed, nextFrame };
}

export async function handshaken(running: RunningEmulator, user?: string): Promise<RawSocket> {
  const raw = await openRaw(running, user);
  raw.socket.send(`{"protocol":"json","version":1}${RS}`);
  const reply = await raw.nextFrame();
  if (reply !== `{}${RS}`) throw new Error(`handshake failed: ${reply}`);
  return raw;
}
