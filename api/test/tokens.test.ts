import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseConnectionString } from '../src/signalr/connection-string.js';
import { createClientAccess, createRestToken } from '../src/signalr/tokens.js';

const KEY = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ABCDEFGH';
const emulator = parseConnectionString(
  `Endpoint=http://localhost;Port=8888;AccessKey=${KEY};Version=1.0;`,
);
const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

/** Checks the HS256 signature with the UTF-8 key bytes and returns header and claims. */
function verify(token: string, key: string) {
  const [header, payload, signature] = token.split('.');
  const expected = createHmac('sha256', Buffer.from(key, 'utf8'))
    .update(`${header}.${payload}`)
    .digest('base64url');
  expect(signature).toBe(expected);
  return {
    header: JSON.parse(Buffer.from(header ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >,
    claims: JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as Record<
      string,
      unknown
    >,
  };
}

describe('client access (negotiate)', () => {
  it('returns the hub URL and a token for the user, valid for the configured lifetime', () => {
    const access = createClientAccess(emulator, 'Chat', { userId: 'u1', name: 'Ann' }, 3600, NOW);
    expect(access.url).toBe('http://localhost:8888/client/?hub=chat');
    const { header, claims } = verify(access.accessToken, KEY);
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(claims).toEqual({
      aud: 'http://localhost/client/?hub=chat',
      iat: NOW / 1000,
      nbf: NOW / 1000,
      exp: NOW / 1000 + 3600,
      'asrs.s.uid': 'u1',
      name: 'Ann',
    });
  });

  it('uses the ClientEndpoint for the URL and the audience', () => {
    const connection = parseConnectionString(
      'Endpoint=http://internal:80;AccessKey=k;ClientEndpoint=https://chat.example.com',
    );
    const access = createClientAccess(connection, 'chat', { userId: 'u', name: 'n' }, 60, NOW);
    expect(access.url).toBe('https://chat.example.com/client/?hub=chat');
    expect(verify(access.accessToken, 'k').claims.aud).toBe(
      'https://chat.example.com/client/?hub=chat',
    );
  });

  it('signs with the key text itself, not its base64 decoding', () => {
    const key = 'c2VjcmV0'; // base64 of "secret"
    const connection = parseConnectionString(`Endpoint=https://x.example;AccessKey=${key}`);
    const { accessToken } = createClientAccess(connection, 'chat', { userId: 'u', name: 'n' }, 60);
    verify(accessToken, key);
  });
});

describe('REST tokens', () => {
  it('use the request URL without the query as audience, port included', () => {
    const url = 'http://localhost:8888/api/hubs/chat/users/bob/:send?api-version=2022-06-01';
    const { claims } = verify(createRestToken(emulator, url, NOW), KEY);
    expect(claims).toEqual({
      aud: 'http://localhost:8888/api/hubs/chat/users/bob/:send',
      iat: NOW / 1000,
      nbf: NOW / 1000,
      exp: NOW / 1000 + 300,
    });
  });

  it('leave the default https port out, as the service compares against', () => {
    const azure = parseConnectionString('Endpoint=https://x.service.signalr.net;AccessKey=k');
    const url = 'https://x.service.signalr.net:443/api/hubs/chat/:send?api-version=2022-06-01';
    expect(verify(createRestToken(azure, url), 'k').claims.aud).toBe(
      'https://x.service.signalr.net/api/hubs/chat/:send',
    );
  });
});
