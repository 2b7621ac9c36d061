import { type UpstreamTemplate, compileTemplates } from './upstream/templates.js';

export interface EmulatorOptions {
  port?: number;
  host?: string;
  accessKey?: string;
  maxMessageSize?: number;
  keepAliveIntervalMs?: number;
  clientTimeoutMs?: number;
  handshakeTimeoutMs?: number;
  log?: (line: string) => void;
  /** Upstream URL templates, first match wins; none (the default) = no upstream events. */
  upstream?: UpstreamTemplate[];
  /** Deadline of one upstream request (connect, headers and body). */
  upstreamTimeoutMs?: number;
  /** Invocations waiting for the upstream per connection; past it they are dropped (logged). */
  upstreamQueueLimit?: number;
  /** How long a stateful-reconnect connection whose socket dropped waits for the client. */
  statefulReconnectWindowMs?: number;
  /** How long the REST `:invoke` operation waits for the client's answer. */
  clientInvocationTimeoutMs?: number;
  /** Milliseconds since the epoch: token lifetimes and group ttls (tests move it). */
  clock?: () => number;
}

export const DEFAULT_ACCESS_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
export const DEFAULT_PORT = 8888;
/** The data-plane REST API accepts bodies up to 1 MB, like the service. */
export const REST_BODY_LIMIT = 1024 * 1024;

export type ResolvedOptions = Required<EmulatorOptions>;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RangeError(`${name} must be a positive number`);
  return value;
}

function validUpstream(templates: UpstreamTemplate[] | undefined): UpstreamTemplate[] {
  if (templates === undefined) return [];
  compileTemplates(templates); // throws with the reason for a bad template
  return templates.map((template) => ({ ...template }));
}

export function resolveOptions(options: EmulatorOptions = {}): ResolvedOptions {
  const port = options.port ?? DEFAULT_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new RangeError('port must be 0-65535');
  const accessKey = options.accessKey ?? DEFAULT_ACCESS_KEY;
  if (accessKey === '') throw new RangeError('accessKey must not be empty');
  return {
    port,
    host: options.host ?? '127.0.0.1',
    accessKey,
    maxMessageSize: positive('maxMessageSize', options.maxMessageSize, 1024 * 1024),
    keepAliveIntervalMs: positive('keepAliveIntervalMs', options.keepAliveIntervalMs, 15_000),
    clientTimeoutMs: positive('clientTimeoutMs', options.clientTimeoutMs, 30_000),
    handshakeTimeoutMs: positive('handshakeTimeoutMs', options.handshakeTimeoutMs, 15_000),
    log: options.log ?? (() => undefined),
    upstream: validUpstream(options.upstream),
    upstreamTimeoutMs: positive('upstreamTimeoutMs', options.upstreamTimeoutMs, 100_000),
    upstreamQueueLimit: positive('upstreamQueueLimit', options.upstreamQueueLimit, 1_000),
    // ASP.NET Core keeps a disconnected connection this long (its DisconnectTimeout).
    statefulReconnectWindowMs: positive(
      'statefulReconnectWindowMs',
      options.statefulReconnectWindowMs,
      15_000,
    ),
    // The server SDKs wait 100 s for a client result (the default of .NET's HttpClient).
    clientInvocationTimeoutMs: positive(
      'clientInvocationTimeoutMs',
      options.clientInvocationTimeoutMs,
      100_000,
    ),
    clock: options.clock ?? Date.now,
  };
}
