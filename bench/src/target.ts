import { signHs256 } from './jwt.js';

/** The well-known emulator key (the only key allowed in the repository). */
export const BENCH_ACCESS_KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
export const BENCH_HUB = 'bench';

/**
 * Where and how the bench talks to a server. Both servers get the same requests with the same
 * tokens; the baseline ignores them, the emulator checks them.
 */
export interface Target {
  host: string;
  port: number;
  hub: string;
  negotiateUrl: string;
  broadcastUrl: string;
  webSocketUrl(connectionToken: string, accessToken: string): string;
  clientToken(userId: string): string;
  restToken(): string;
}

export function describeTarget(port: number, host = '127.0.0.1', hub = BENCH_HUB): Target {
  const origin = `http://${host}:${port}`;
  const broadcastPath = `/api/hubs/${hub}/:send`;
  const restToken = signHs256({ aud: `${origin}${broadcastPath}` }, BENCH_ACCESS_KEY);
  return {
    host,
    port,
    hub,
    negotiateUrl: `${origin}/client/negotiate?hub=${hub}&negotiateVersion=1`,
    broadcastUrl: `${origin}${broadcastPath}?api-version=2022-06-01`,
    webSocketUrl: (connectionToken, accessToken) =>
      `ws://${host}:${port}/client/?hub=${hub}` +
      `&id=${encodeURIComponent(connectionToken)}&access_token=${encodeURIComponent(accessToken)}`,
    clientToken: (userId) =>
      signHs256({ aud: `${origin}/client/?hub=${hub}`, 'asrs.s.uid': userId }, BENCH_ACCESS_KEY),
    restToken: () => restToken,
  };
}
