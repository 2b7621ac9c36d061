import type { OutgoingMessage } from '../protocol/outgoing.js';
import { completionFromResponse, errorCompletion } from './completion.js';
import { ConnectionQueues, type QueueLimits } from './connection-queues.js';
import { HttpPoster, UpstreamFailure, type UpstreamResponse } from './http-poster.js';
import { type CompiledTemplate, type UpstreamEventName, upstreamUrlFor } from './templates.js';
import {
  type UpstreamConnectionInfo,
  connectedBody,
  disconnectedBody,
  upstreamHeaders,
} from './upstream-request.js';

/** A connection as the upstream needs it: who it is, and a way to answer its invocations. */
export interface UpstreamConnection extends UpstreamConnectionInfo {
  send(message: OutgoingMessage): void;
}

/** A client invocation, already checked: what goes upstream as the body. */
export interface ClientInvocation {
  target: string;
  invocationId: string | undefined;
  /** The invocation's JSON without the record separator. */
  json: string;
}

export interface UpstreamSettings {
  templates: readonly CompiledTemplate[];
  accessKey: string;
  timeoutMs: number;
  limits: QueueLimits;
  log: (line: string) => void;
}

/** Logs name the upstream by origin and path only: a query may hold a function key. */
function describeUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

/**
 * Sends the service's upstream events for client connections: `connections/connected`,
 * `connections/disconnected` and `messages/<target>`. Nothing here ever waits on the client
 * side: requests run from per-connection queues with a timeout, and a failure is logged (and
 * answered with an error Completion when the client waits for one).
 */
export class Upstream {
  private readonly poster: HttpPoster;
  private readonly queues: ConnectionQueues;
  /** Connections that completed the handshake and whose disconnect is still to be reported. */
  private readonly open = new Set<string>();
  private stopped = false;

  constructor(private readonly settings: UpstreamSettings) {
    this.poster = new HttpPoster(settings.timeoutMs);
    this.queues = new ConnectionQueues(settings.limits);
  }

  connected(connection: UpstreamConnectionInfo): void {
    this.open.add(connection.id);
    this.send(connection, 'connected', connectedBody());
  }

  /** Reported for connections that completed the handshake, whatever ended them. */
  disconnected(connection: UpstreamConnectionInfo, error: string | undefined): void {
    if (!this.open.delete(connection.id)) return;
    this.send(connection, 'disconnected', disconnectedBody(error));
  }

  /**
   * Forwards a client invocation; false when no template matches `messages/<target>` (the
   * caller decides what to do then). Never blocks: the answer arrives later as a Completion.
   */
  invoke(connection: UpstreamConnection, invocation: ClientInvocation): boolean {
    const name: UpstreamEventName = {
      hub: connection.hub,
      category: 'messages',
      event: invocation.target,
    };
    const url = upstreamUrlFor(this.settings.templates, name);
    if (url === undefined) return false;
    const { invocationId } = invocation;
    const accepted = this.queues.enqueue(
      connection.id,
      async () => {
        const response = await this.post(connection, name, url, invocation.json);
        if (invocationId === undefined) return;
        for (const message of this.completion(name, url, invocationId, response)) {
          connection.send(message);
        }
      },
      true,
    );
    if (!accepted) {
      this.settings.log(
        `upstream messages/${invocation.target} for ${connection.id} dropped: too many upstream requests waiting`,
      );
      if (invocationId !== undefined) {
        const error = 'Invocation failed, too many upstream requests are waiting.';
        connection.send(errorCompletion(invocationId, error));
      }
    }
    return true;
  }

  /**
   * Lets queued events (the disconnects of a shutdown) go out for up to `graceMs`, then cuts
   * whatever is still waiting.
   */
  async close(graceMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queues.idle(),
      new Promise((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    this.stopped = true;
    this.poster.destroy();
  }

  private send(connection: UpstreamConnectionInfo, event: string, body: string): void {
    const name: UpstreamEventName = { hub: connection.hub, category: 'connections', event };
    const url = upstreamUrlFor(this.settings.templates, name);
    if (url === undefined) return;
    this.queues.enqueue(
      connection.id,
      async () => {
        await this.post(connection, name, url, body);
      },
      false,
    );
  }

  /** One request; resolves to the response, or to the failure already logged. */
  private async post(
    connection: UpstreamConnectionInfo,
    name: UpstreamEventName,
    url: string,
    body: string,
  ): Promise<UpstreamResponse | UpstreamFailure> {
    const what = `upstream ${name.category}/${name.event} for ${connection.id}`;
    if (this.stopped) return new UpstreamFailure('the emulator is stopping');
    try {
      const response = await this.poster.post(
        url,
        upstreamHeaders(connection, name, this.settings.accessKey),
        body,
      );
      if (response.status !== 200 && response.status !== 204) {
        this.settings.log(`${what}: ${describeUrl(url)} answered ${response.status}`);
      }
      return response;
    } catch (error) {
      const failure =
        error instanceof UpstreamFailure ? error : new UpstreamFailure('request failed');
      this.settings.log(`${what} failed: ${describeUrl(url)}: ${failure.message}`);
      return failure;
    }
  }

  private completion(
    name: UpstreamEventName,
    url: string,
    invocationId: string,
    response: UpstreamResponse | UpstreamFailure,
  ): OutgoingMessage[] {
    if (response instanceof UpstreamFailure) {
      return [errorCompletion(invocationId, `Invocation failed, ${response.message}.`)];
    }
    const outcome = completionFromResponse(invocationId, response);
    if (outcome.kind === 'completion' && outcome.problem) {
      this.settings.log(`upstream messages/${name.event}: ${describeUrl(url)}: ${outcome.problem}`);
    }
    return outcome.messages;
  }
}
