import { describe, expect, it } from 'vitest';
import { parseUserClaims } from '../../src/upstream/claims.js';
import { isValidUpstreamSignature } from '../../src/upstream/signature.js';
import { EMULATOR_KEY } from '../support/requests.js';
import { OTHER_KEY, signatureFor } from './service-requests.js';

const id = 'conn-A1b2_C3';

describe('upstream signature', () => {
  it('accepts our key alone, first or second in a comma list, and upper-case hex', () => {
    const keys = [EMULATOR_KEY];
    expect(isValidUpstreamSignature(signatureFor(id, EMULATOR_KEY), id, keys)).toBe(true);
    expect(isValidUpstreamSignature(signatureFor(id, EMULATOR_KEY, OTHER_KEY), id, keys)).toBe(
      true,
    );
    expect(isValidUpstreamSignature(signatureFor(id, OTHER_KEY, EMULATOR_KEY), id, keys)).toBe(
      true,
    );
    const spaced = signatureFor(id, OTHER_KEY, EMULATOR_KEY).replace(',', ' , ');
    expect(isValidUpstreamSignature(spaced, id, keys)).toBe(true);
    const upper = `sha256=${signatureFor(id, EMULATOR_KEY).slice(7).toUpperCase()}`;
    expect(isValidUpstreamSignature(upper, id, keys)).toBe(true);
  });

  it('rejects other keys, other connections, and malformed or missing headers', () => {
    const keys = [EMULATOR_KEY];
    const good = signatureFor(id, EMULATOR_KEY);
    expect(isValidUpstreamSignature(signatureFor(id, OTHER_KEY), id, keys)).toBe(false);
    expect(isValidUpstreamSignature(good, 'another-connection', keys)).toBe(false);
    expect(isValidUpstreamSignature(good, null, keys)).toBe(false);
    expect(isValidUpstreamSignature(null, id, keys)).toBe(false);
    expect(isValidUpstreamSignature('', id, keys)).toBe(false);
    expect(isValidUpstreamSignature(good.slice(7), id, keys)).toBe(false); // no sha256= prefix
    expect(isValidUpstreamSignature(good.replace('sha256', 'sha1'), id, keys)).toBe(false);
    expect(isValidUpstreamSignature(good.slice(0, -2), id, keys)).toBe(false); // truncated
    expect(isValidUpstreamSignature(`${good}00`, id, keys)).toBe(false); // too long
    expect(isValidUpstreamSignature(`${good},`.repeat(100), id, keys)).toBe(false); // huge
    expect(isValidUpstreamSignature(good, id, [])).toBe(false);
    expect(isValidUpstreamSignature(good, id, [''])).toBe(false);
  });

  it('signs the connection id with the UTF-8 bytes of the key (not its base64 decoding)', () => {
    const base64Key = Buffer.from('not the signing key').toString('base64');
    const signedWithDecoded = signatureFor(id, Buffer.from(base64Key, 'base64').toString('latin1'));
    expect(isValidUpstreamSignature(signedWithDecoded, id, [base64Key])).toBe(false);
    expect(isValidUpstreamSignature(signatureFor(id, base64Key), id, [base64Key])).toBe(true);
  });
});

describe('user claims header', () => {
  it('reads the service form "type: value, type: value"', () => {
    const claims = parseUserClaims(
      'asrs.s.uid: alice-id, name: Alice Liddell, nbf: 1, name: second',
    );
    expect(claims.get('asrs.s.uid')).toBe('alice-id');
    expect(claims.get('name')).toBe('Alice Liddell');
    expect(claims.get('nbf')).toBe('1');
  });

  it('reads JSON forms and survives garbage', () => {
    expect(parseUserClaims('{"name":"bob","n":1}').get('name')).toBe('bob');
    expect(parseUserClaims('[{"type":"name","value":"carol"}]').get('name')).toBe('carol');
    for (const bad of [null, '', ',,,', ':::', '{not json', '[1,2]', 'x'.repeat(20_000)]) {
      expect(parseUserClaims(bad).get('name')).toBeUndefined();
    }
  });
});
