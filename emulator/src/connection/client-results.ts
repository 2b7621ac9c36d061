import { randomBytes } from 'node:crypto';
import type { HubMessage } from '../protocol/hub-protocol.js';

/** What a client answered to a server-to-client invocation (the REST `:invoke` operation). */
export type ClientResult =
  | { kind: 'result'; result: unknown }
  /** The client's handler failed (its Completion carried an error). */
  | { kind: 'error'; error: string }
  | { kind: 'timeout'; error: string }
  /** The connection ended before the client answered. */
  | { kind: 'closed'; error: string };

interface Waiting {
  resolve(result: ClientResult): void;
  timer: NodeJS.Timeout;
}

/**
 * Invocations the server sent to one client that wait for the client's Completion (a client
 * result, `connection.on(target, handler)` returning a value). Each ends with the Completion,
 * a timeout, or the connection's end: never left waiting.
 */
export class ClientResults {
  private readonly waiting = new Map<string, Waiting>();

  /** A fresh invocation id and the promise of its answer within `timeoutMs`. */
  expect(timeoutMs: number): { invocationId: string; answer: Promise<ClientResult> } {
    const invocationId = randomBytes(9).toString('base64url');
    const answer = new Promise<ClientResult>((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(invocationId);
        resolve({ kind: 'timeout', error: `The client did not answer within ${timeoutMs} ms.` });
      }, timeoutMs);
      timer.unref();
      this.waiting.set(invocationId, { resolve, timer });
    });
    return { invocationId, answer };
  }

  /** A Completion from the client; false when no invocation waits for it. */
  complete(message: HubMessage): boolean {
    const id = message.invocationId;
    const entry = typeof id === 'string' ? this.waiting.get(id) : undefined;
    if (entry === undefined || typeof id !== 'string') return false;
    this.waiting.delete(id);
    clearTimeout(entry.timer);
    if (typeof message.error === 'string') entry.resolve({ kind: 'error', error: message.error });
    else entry.resolve({ kind: 'result', result: message.result ?? null });
    return true;
  }

  /** The connection ended: every waiting invocation fails with the reason. */
  cancelAll(reason: string): void {
    for (const entry of this.waiting.values()) {
      clearTimeout(entry.timer);
      entry.resolve({ kind: 'closed', error: reason });
    }
    this.waiting.clear();
  }
}
