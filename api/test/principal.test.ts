import { describe, expect, it } from 'vitest';
import functions from '@azure/functions';
import { readClientPrincipal } from '../src/principal.js';

const { HttpRequest } = functions;

const encode = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64');

const headersWith = (headers: Record<string, string>) =>
  new HttpRequest({ method: 'POST', url: 'http://127.0.0.1/api/negotiate', headers }).headers;

const valid = {
  identityProvider: 'github',
  userId: 'd75b260a64504067bfc5b2905e3b8182',
  userDetails: 'octocat',
  userRoles: ['anonymous', 'authenticated'],
};

describe('readClientPrincipal', () => {
  it('decodes a signed-in principal', () => {
    expect(readClientPrincipal(headersWith({ 'x-ms-client-principal': encode(valid) }))).toEqual(
      valid,
    );
  });

  it('accepts a principal without identityProvider (where request.user would throw)', () => {
    const { identityProvider: _ignored, ...rest } = valid;
    expect(
      readClientPrincipal(headersWith({ 'x-ms-client-principal': encode(rest) }))?.userId,
    ).toBe(valid.userId);
  });

  it('falls back to the user id when userDetails is missing or blank', () => {
    const principal = readClientPrincipal(
      headersWith({ 'x-ms-client-principal': encode({ ...valid, userDetails: ' \u0007 ' }) }),
    );
    expect(principal?.userDetails).toBe(valid.userId);
  });

  it('strips control characters from the display name', () => {
    const principal = readClientPrincipal(
      headersWith({
        'x-ms-client-principal': encode({ ...valid, userDetails: 'oc\u0000to\ncat' }),
      }),
    );
    expect(principal?.userDetails).toBe('octocat');
  });

  it('is anonymous without the header', () => {
    expect(readClientPrincipal(headersWith({}))).toBeNull();
  });

  it.each([
    ['not base64', '%%%not-base64%%%'],
    ['base64 of non-JSON', encode('hello')],
    ['base64 of a JSON string', encode('"alice"')],
    ['base64 of null', encode('null')],
    ['base64 of an array', encode([valid])],
    ['empty', ''],
    ['huge', 'A'.repeat(20_000)],
    ['userId missing', encode({ ...valid, userId: undefined })],
    ['userId not a string', encode({ ...valid, userId: 42 })],
    ['userId implausible', encode({ ...valid, userId: '../../etc/passwd' })],
    ['userRoles missing', encode({ ...valid, userRoles: undefined })],
    ['userRoles not an array', encode({ ...valid, userRoles: 'authenticated' })],
    ['userRoles with non-strings', encode({ ...valid, userRoles: ['authenticated', 7] })],
    ['only anonymous', encode({ ...valid, userRoles: ['anonymous'] })],
    ['role differs in case', encode({ ...valid, userRoles: ['Authenticated'] })],
  ])('is anonymous when the header is %s', (_label, header) => {
    expect(readClientPrincipal(headersWith({ 'x-ms-client-principal': header }))).toBeNull();
  });

  it('ignores a forged x-ms-client-principal-name and Authorization', () => {
    expect(
      readClientPrincipal(
        headersWith({
          'x-ms-client-principal-name': 'admin',
          'x-ms-client-principal-id': 'admin-id',
          authorization: `Bearer ${encode(valid)}`,
        }),
      ),
    ).toBeNull();
    const withBoth = readClientPrincipal(
      headersWith({
        'x-ms-client-principal': encode(valid),
        'x-ms-client-principal-name': 'admin',
      }),
    );
    expect(withBoth?.userDetails).toBe('octocat');
  });
});
