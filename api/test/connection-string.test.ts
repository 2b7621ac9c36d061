import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import { ConnectionStringError, parseConnectionString } from '../src/signalr/connection-string.js';

const KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
const EMULATOR = `Endpoint=http://localhost;Port=8888;AccessKey=${KEY};Version=1.0;`;

describe('parseConnectionString', () => {
  it("parses the official emulator's string", () => {
    expect(parseConnectionString(EMULATOR)).toEqual({
      endpoint: 'http://localhost:8888',
      clientEndpoint: 'http://localhost:8888',
      serverEndpoint: 'http://localhost:8888',
      accessKey: KEY,
    });
  });

  it('parses an Azure string: case-insensitive keys, trimmed values, trailing slash dropped', () => {
    const parsed = parseConnectionString(
      ' endpoint = https://chat.service.signalr.net/ ; ACCESSKEY= abc+/= ;version=1.0',
    );
    expect(parsed.endpoint).toBe('https://chat.service.signalr.net');
    expect(parsed.accessKey).toBe('abc+/=');
  });

  it('keeps = inside values (base64 keys)', () => {
    expect(parseConnectionString('Endpoint=https://x.example;AccessKey=a=b==').accessKey).toBe(
      'a=b==',
    );
  });

  it('honours ClientEndpoint and ServerEndpoint, Port applying to Endpoint only', () => {
    const parsed = parseConnectionString(
      `Endpoint=http://internal:1234;Port=9000;AccessKey=k;ClientEndpoint=https://public.example/;ServerEndpoint=http://10.0.0.5:8080`,
    );
    expect(parsed).toMatchObject({
      endpoint: 'http://internal:9000',
      clientEndpoint: 'https://public.example',
      serverEndpoint: 'http://10.0.0.5:8080',
    });
  });

  it.each([
    ['', /missing/],
    ['   ', /missing/],
    ['Endpoint=https://x.example', /AccessKey is required/],
    ['AccessKey=k', /Endpoint is required/],
    ['Endpoint=;AccessKey=k', /Endpoint is required/],
    ['Endpoint=x.example;AccessKey=k', /absolute http or https URL/],
    ['Endpoint=ftp://x.example;AccessKey=k', /absolute http or https URL/],
    ['Endpoint=https://u:p@x.example;AccessKey=k', /credentials/],
    ['Endpoint=https://x.example?a=1;AccessKey=k', /query/],
    ['Endpoint=https://x.example;AccessKey=k;accesskey=j', /more than once/],
    ['Endpoint=https://x.example;AccessKey', /key=value/],
    ['Endpoint=https://x.example;=k', /key=value/],
    ['Endpoint=https://x.example;AccessKey=k;Port=0', /Port/],
    ['Endpoint=https://x.example;AccessKey=k;Port=65536', /Port/],
    ['Endpoint=https://x.example;AccessKey=k;Port=80a', /Port/],
    ['Endpoint=https://x.example;AccessKey=k;Version=2.0', /Version/],
    ['Endpoint=https://x.example;AccessKey=k;ClientEndpoint=nope', /ClientEndpoint/],
    ['Endpoint=https://x.example;AccessKey=k;ServerEndpoint=ws://x', /ServerEndpoint/],
    [
      'Endpoint=https://x.example;AuthType=aad;Version=1.0',
      /AccessKey is needed|use a connection string with an AccessKey/,
    ],
    ['Endpoint=https://x.example;AuthType=azure.msi;ClientId=abc', /managed functions/],
    ['Endpoint=https://x.example;AuthType=azure;', /Entra ID/],
    ['Endpoint=https://x.example;AuthType=azure.app;ClientId=a;TenantId=b', /AccessKey/],
    ['Endpoint=https://x.example;AuthType=magic;AccessKey=k', /unknown AuthType/],
  ])('rejects %j', (value, message) => {
    expect(() => parseConnectionString(value)).toThrow(ConnectionStringError);
    expect(() => parseConnectionString(value)).toThrow(message);
    expect(() => parseConnectionString(value)).toThrow(/AzureSignalRConnectionString/);
  });

  it('never puts the key in an error message', () => {
    const secret = 'SuperSecretKeyValue123';
    try {
      parseConnectionString(`Endpoint=nope;AccessKey=${secret}`);
      expect.unreachable();
    } catch (error) {
      expect(String(error)).not.toContain(secret);
    }
  });
});

describe('loadConfig', () => {
  it('applies defaults', () => {
    expect(loadConfig({ AzureSignalRConnectionString: EMULATOR })).toMatchObject({
      hubName: 'chat',
      rateLimit: { count: 10, windowMs: 10_000 },
      tokenLifetimeSeconds: 3600,
    });
  });

  it('reads every setting', () => {
    expect(
      loadConfig({
        AzureSignalRConnectionString: EMULATOR,
        SignalRHubName: 'Lobby',
        ChatRateLimitCount: '3',
        ChatRateLimitWindowSeconds: '60',
        SignalRTokenLifetimeSeconds: '600',
      }),
    ).toMatchObject({
      hubName: 'lobby',
      rateLimit: { count: 3, windowMs: 60_000 },
      tokenLifetimeSeconds: 600,
    });
  });

  it.each([
    [{}, 'AzureSignalRConnectionString'],
    [{ AzureSignalRConnectionString: 'garbage' }, 'AzureSignalRConnectionString'],
    [{ AzureSignalRConnectionString: EMULATOR, SignalRHubName: 'no spaces' }, 'SignalRHubName'],
    [{ AzureSignalRConnectionString: EMULATOR, ChatRateLimitCount: '0' }, 'ChatRateLimitCount'],
    [{ AzureSignalRConnectionString: EMULATOR, ChatRateLimitCount: '1.5' }, 'ChatRateLimitCount'],
    [
      { AzureSignalRConnectionString: EMULATOR, ChatRateLimitWindowSeconds: 'ten' },
      'ChatRateLimitWindowSeconds',
    ],
    [
      { AzureSignalRConnectionString: EMULATOR, SignalRTokenLifetimeSeconds: '-5' },
      'SignalRTokenLifetimeSeconds',
    ],
  ])('names the bad setting (%j)', (env, setting) => {
    try {
      loadConfig(env);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).setting).toBe(setting);
      expect((error as ConfigError).message).toContain(setting);
    }
  });
});
