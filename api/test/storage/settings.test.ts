import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import {
  getChatStorage,
  readStorageSettings,
  STORAGE_CONNECTION_SETTING,
} from '../../src/storage/index.js';
import { AZURITE_KEY, connectionStringFor } from '../support/azurite.js';

const read = (value: string | undefined) =>
  readStorageSettings({ [STORAGE_CONNECTION_SETTING]: value });

describe('ChatStorageConnectionString', () => {
  it('accepts the local development shorthand', () => {
    expect(read('UseDevelopmentStorage=true')).toEqual({
      connectionString: 'UseDevelopmentStorage=true',
      allowInsecureConnection: true,
    });
  });

  it('accepts an Azurite endpoint on this machine over http', () => {
    expect(read(connectionStringFor(10002)).allowInsecureConnection).toBe(true);
  });

  it('accepts an Azure account string, https only', () => {
    const azure = `DefaultEndpointsProtocol=https;AccountName=chatprod;AccountKey=${AZURITE_KEY};EndpointSuffix=core.windows.net`;
    expect(read(azure)).toEqual({ connectionString: azure, allowInsecureConnection: false });
  });

  it('accepts a SAS connection string', () => {
    const sas =
      'TableEndpoint=https://chatprod.table.core.windows.net/;SharedAccessSignature=sv=2022-11-02&ss=t&sig=abc';
    expect(read(sas).allowInsecureConnection).toBe(false);
  });

  it.each([
    ['missing', undefined, /is missing/],
    ['blank', '   ', /is missing/],
    ['not key=value', 'hello', /key=value/],
    ['without a key', 'DefaultEndpointsProtocol=https;AccountName=a', /AccountKey/],
    [
      'a key without account',
      `AccountKey=${AZURITE_KEY};TableEndpoint=https://x.example`,
      /AccountName/,
    ],
    [
      'a relative endpoint',
      `AccountName=a;AccountKey=${AZURITE_KEY};TableEndpoint=/tables`,
      /absolute/,
    ],
    [
      'http to a remote host',
      `AccountName=a;AccountKey=${AZURITE_KEY};TableEndpoint=http://tables.example.com/a`,
      /only on this machine/,
    ],
    ['a duplicate key', `AccountName=a;AccountName=b;AccountKey=${AZURITE_KEY}`, /twice/],
  ])('is a ConfigError naming the setting when %s', (_name, value, reason) => {
    let error: unknown;
    try {
      read(value);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.setting).toBe(STORAGE_CONNECTION_SETTING);
    expect(configError.message).toContain(STORAGE_CONNECTION_SETTING);
    expect(configError.message).toMatch(reason);
    expect(configError.message).not.toContain(AZURITE_KEY);
  });
});

describe('getChatStorage', () => {
  it('builds one storage per connection string and reuses it across invocations', () => {
    const env = { [STORAGE_CONNECTION_SETTING]: connectionStringFor(10002) };
    const first = getChatStorage(env);
    expect(getChatStorage({ ...env })).toBe(first);
    expect(getChatStorage({ [STORAGE_CONNECTION_SETTING]: connectionStringFor(10003) })).not.toBe(
      first,
    );
  });

  it('throws the ConfigError naming the setting when it is missing', () => {
    expect(() => getChatStorage({})).toThrow(ConfigError);
    expect(() => getChatStorage({})).toThrow(STORAGE_CONNECTION_SETTING);
  });
});
