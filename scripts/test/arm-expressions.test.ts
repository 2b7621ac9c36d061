// The offline ARM expression evaluator that the template checks rely on, on ARM's own rules.
import { describe, expect, it } from 'vitest';
import { evaluate, functionsCalled, type ArmEnvironment } from './arm-expressions.js';

const env: ArmEnvironment = {
  parameters: { prefix: 'Chat', count: 7, origins: ['https://a.example'] },
  variables: { lower: "[toLower(parameters('prefix'))]", sku: { Free: { name: 'Free_F1' } } },
  resourceGroup: { id: '/subscriptions/s/resourceGroups/rg', name: 'rg', location: 'westeurope' },
  reference: () => ({ defaultHostname: 'site.azurestaticapps.net' }),
  listKeys: () => ({ keys: [{ value: 'key-1' }] }),
};

describe('evaluate', () => {
  it('leaves plain strings and "[[" escapes literal, as ARM does', () => {
    expect(evaluate('/api/{hub}', env)).toBe('/api/{hub}');
    expect(evaluate("[[parameters('prefix')]", env)).toBe("[parameters('prefix')]");
  });

  it('reads parameters, variables (evaluated in turn), properties and indexes', () => {
    expect(evaluate("[concat(variables('lower'), '-', string(parameters('count')))]", env)).toBe(
      'chat-7',
    );
    expect(evaluate("[variables('sku')['Free'].name]", env)).toBe('Free_F1');
    expect(evaluate("[listKeys('id', 'v').keys[0].value]", env)).toBe('key-1');
    expect(evaluate("[concat(createArray('x'), parameters('origins'))]", env)).toEqual([
      'x',
      'https://a.example',
    ]);
  });

  it("reads '' inside a string as one quote", () => {
    expect(evaluate("[concat('it''s', '')]", env)).toBe("it's");
  });

  it('builds resource ids in the resource group', () => {
    expect(evaluate("[resourceId('Microsoft.Web/staticSites', 'site')]", env)).toBe(
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/staticSites/site',
    );
  });

  it('refuses functions it does not know and names that do not exist', () => {
    expect(() => evaluate("[guid('seed')]", env)).toThrow(/does not know guid\(\)/);
    expect(() => evaluate("[parameters('missing')]", env)).toThrow(/No parameter/);
    expect(() => evaluate("[reference('id').hostName]", env)).toThrow(/No property/);
  });
});

describe('functionsCalled', () => {
  it('follows variables into the functions they call', () => {
    const variables = { key: "[listKeys('id', 'v').keys[0].value]" };
    expect([...functionsCalled("[variables('key')]", variables)]).toEqual([
      'variables',
      'listkeys',
    ]);
  });
});
