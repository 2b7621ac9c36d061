import * as signalR from '@microsoft/signalr';
import { afterEach, describe, expect, it } from 'vitest';
import { killCliProcesses, startCli } from './cli-process.js';
import { clientToken, emulator } from './helpers.js';

afterEach(killCliProcesses);

describe('CLI', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)(
    'prints the connection string; on %s closes clients and exits 0 within 2 s',
    async (signal) => {
      const cli = startCli('--port', '0', '--host', '127.0.0.1');
      const line = await cli.connectionString;
      expect(line).toMatch(
        /^Endpoint=http:\/\/localhost;Port=\d+;AccessKey=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH;Version=1\.0;$/,
      );
      const port = /Port=(\d+)/.exec(line)?.[1];

      const connection = new signalR.HubConnectionBuilder()
        .withUrl(`http://localhost:${port}/client/?hub=chat`, {
          transport: signalR.HttpTransportType.WebSockets,
          accessTokenFactory: () => clientToken('chat', 'alice'),
        })
        .configureLogging(signalR.LogLevel.None)
        .build();
      const closed = new Promise<Error | undefined>((resolve) => connection.onclose(resolve));
      await connection.start();

      const started = Date.now();
      cli.child.kill(signal);
      const [code, error] = await Promise.all([cli.exited, closed]);
      expect(code).toBe(0);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(error?.message).toMatch(/shutting down/);
      expect(cli.output().stderr).toContain(signal);
    },
  );

  it('says so and exits 1 when the port is taken', async () => {
    const taken = await emulator();
    const cli = startCli('--port', String(taken.port));
    expect(await cli.exited).toBe(1);
    expect(cli.output().stderr).toMatch(/already in use/);
  });

  it('rejects unknown flags and bad values with exit code 2', async () => {
    const unknown = startCli('--bogus');
    expect(await unknown.exited).toBe(2);
    expect(unknown.output().stderr).toMatch(/Unknown option '--bogus'/);
    const badPort = startCli('--port', 'eighty');
    expect(await badPort.exited).toBe(2);
    expect(badPort.output().stderr).toMatch(/--port/);
  });
});
