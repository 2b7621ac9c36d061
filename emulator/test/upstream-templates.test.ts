import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as signalR from '@microsoft/signalr';
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator } from '../src/index.js';
import { parseUpstreamSettings } from '../src/upstream/settings-file.js';
import { compileTemplates, upstreamUrlFor } from '../src/upstream/templates.js';
import { endpointOf, killCliProcesses, startCli } from './cli-process.js';
import { clientToken, emulator } from './helpers.js';
import { clientWithClaims, upstreamServer } from './upstream-server.js';

const url = (
  templates: Parameters<typeof compileTemplates>[0],
  hub: string,
  category: 'connections' | 'messages',
  event: string,
) => upstreamUrlFor(compileTemplates(templates), { hub, category, event });

describe('template matching', () => {
  const templates = [
    { urlTemplate: 'http://a/{event}', hubPattern: 'chat', eventPattern: 'Typing, send' },
    {
      urlTemplate: 'http://b/{category}',
      hubPattern: 'chat,admin',
      categoryPattern: 'connections',
    },
    { urlTemplate: 'http://c/{hub}/{category}/{event}', hubPattern: '*' },
  ];

  it('takes the first template whose hub, category and event patterns all match', () => {
    expect(url(templates, 'chat', 'messages', 'typing')).toBe('http://a/typing');
    expect(url(templates, 'chat', 'messages', 'SEND')).toBe('http://a/SEND');
    expect(url(templates, 'chat', 'connections', 'connected')).toBe('http://b/connections');
    expect(url(templates, 'admin', 'connections', 'disconnected')).toBe('http://b/connections');
    expect(url(templates, 'admin', 'messages', 'typing')).toBe('http://c/admin/messages/typing');
    expect(url(templates, 'other', 'connections', 'connected')).toBe(
      'http://c/other/connections/connected',
    );
  });

  it('matches nothing when no template fits, and defaults patterns to *', () => {
    expect(url([{ urlTemplate: 'http://a', hubPattern: 'chat' }], 'other', 'messages', 'x')).toBe(
      undefined,
    );
    expect(url([{ urlTemplate: 'http://a/{event}' }], 'any', 'messages', 'x y')).toBe(
      'http://a/x%20y',
    );
  });

  it('rejects bad templates with the reason', () => {
    expect(() => compileTemplates([{ urlTemplate: 'not a url' }])).toThrow('absolute URL');
    expect(() => compileTemplates([{ urlTemplate: 'ftp://a/{event}' }])).toThrow('http or https');
    expect(() => compileTemplates([{ urlTemplate: 'http://a', eventPattern: ' , ' }])).toThrow(
      'eventPattern must not be empty',
    );
    expect(() => compileTemplates([{ urlTemplate: '' }])).toThrow('urlTemplate');
  });

  it('rejects a bad template when the emulator starts', async () => {
    await expect(startEmulator({ port: 0, upstream: [{ urlTemplate: 'nope' }] })).rejects.toThrow(
      'upstream template 1: urlTemplate is not an absolute URL',
    );
  });
});

describe('settings files', () => {
  it('accepts a list, {templates} and the official emulator settings.json, keys in any case', () => {
    const expected = [{ urlTemplate: 'http://a/{event}', eventPattern: 'x' }];
    expect(parseUpstreamSettings([{ urlTemplate: 'http://a/{event}', eventPattern: 'x' }])).toEqual(
      expected,
    );
    expect(
      parseUpstreamSettings({
        templates: [{ URLTEMPLATE: 'http://a/{event}', eventpattern: 'x' }],
      }),
    ).toEqual(expected);
    expect(
      parseUpstreamSettings({
        UpstreamSettings: {
          Templates: [{ UrlTemplate: 'http://a/{event}', EventPattern: 'x' }],
        },
      }),
    ).toEqual(expected);
  });

  it('says what is wrong with a bad one', () => {
    expect(() => parseUpstreamSettings({})).toThrow('expected an array of templates');
    expect(() => parseUpstreamSettings([{}])).toThrow('template 1 has no urlTemplate');
    expect(() => parseUpstreamSettings([{ urlTemplate: 'http://a', hubPattern: 3 }])).toThrow(
      'hubPattern must be a string',
    );
  });
});

describe('templates in a running emulator', () => {
  it('routes each event to the first matching upstream and closes on an unmatched invocation', async () => {
    const first = await upstreamServer();
    const second = await upstreamServer();
    const running = await emulator({
      upstream: [
        { urlTemplate: `${first.url}/typing/{event}`, eventPattern: 'typing,Ping' },
        { urlTemplate: `${second.url}/events/{event}`, categoryPattern: 'CONNECTIONS' },
      ],
    });
    const client = await clientWithClaims(running, 'alice');
    await client.send('TYPING', 1);
    const [typing] = await first.waitFor(1);
    expect(typing?.path).toBe('/typing/TYPING');
    const [connected] = await second.waitFor(1);
    expect(connected?.path).toBe('/events/connected');

    const closed = new Promise<Error | undefined>((resolve) => client.onclose(resolve));
    await client.send('unrouted', 1).catch(() => undefined);
    const error = await closed;
    expect(String(error)).toContain('no upstream template matches messages/unrouted');
    await second.waitFor(1, (r) => r.path === '/events/disconnected');
    expect(first.requests.length).toBe(1);
  });

  it('sends no connection events when only messages are routed', async () => {
    const upstream = await upstreamServer();
    const running = await emulator({
      upstream: [{ urlTemplate: `${upstream.url}/{event}`, categoryPattern: 'messages' }],
    });
    const client = await clientWithClaims(running, 'alice');
    await client.invoke('hello');
    await client.stop();
    await new Promise((resolve) => setTimeout(resolve, 100)); // no disconnected may follow
    expect(upstream.requests.map((r) => r.path)).toEqual(['/hello']);
  });
});

describe('CLI upstream options', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    killCliProcesses();
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => startCli('--port', '0', ...args);

  it('sends events to --upstream and to the templates of --upstream-settings, file first', async () => {
    const fromFile = await upstreamServer();
    const fromFlag = await upstreamServer();
    const dir = await mkdtemp(join(tmpdir(), 'upstream-settings-'));
    dirs.push(dir);
    const file = join(dir, 'settings.json');
    await writeFile(
      file,
      JSON.stringify({
        UpstreamSettings: {
          Templates: [
            { UrlTemplate: `${fromFile.url}/{category}/{event}`, EventPattern: 'connected' },
          ],
        },
      }),
    );
    const cli = run('--upstream', `${fromFlag.url}/{hub}/{event}`, '--upstream-settings', file);
    const endpoint = endpointOf(await cli.connectionString);
    const connection = new signalR.HubConnectionBuilder()
      .withUrl(`${endpoint}/client/?hub=chat`, {
        accessTokenFactory: () => clientToken('chat', 'a'),
      })
      .configureLogging(signalR.LogLevel.None)
      .build();
    await connection.start();
    await connection.stop();
    expect((await fromFile.waitFor(1))[0]?.path).toBe('/connections/connected');
    expect((await fromFlag.waitFor(1))[0]?.path).toBe('/chat/disconnected');
    expect(cli.output().stderr).toContain(`upstream ${fromFlag.url}/{hub}/{event}`);
  });

  it.each([
    [['--upstream', 'not-a-url'], '--upstream must be an absolute http(s) URL template'],
    [['--upstream-settings', '/nonexistent/settings.json'], 'cannot read'],
    [['--upstream-timeout', '0'], '--upstream-timeout must be a positive number'],
  ])('exits 2 for %j', async (args, reason) => {
    const cli = run(...args);
    expect(await cli.exited).toBe(2);
    expect(cli.output().stderr).toContain(reason);
  });
});
