import { describe, expect, it } from 'vitest';
import { RouteTable } from '../src/route-table.js';
import { compileRouteTemplate, RouteTemplateError } from '../src/route-template.js';

describe('route templates', () => {
  it.each([
    ['items', '/items', {}],
    ['items', '/ITEMS/', {}],
    ['items/{id}', '/items/42', { id: '42' }],
    ['items/{id?}', '/items', {}],
    ['items/{id?}', '/items/7', { id: '7' }],
    ['items/{id=first}', '/items', { id: 'first' }],
    ['items/{id:int}', '/items/-12', { id: '-12' }],
    ['items/{id:int:min(1)}', '/items/3', { id: '3' }],
    [
      'items/{id:guid}',
      '/items/0f8fad5b-d9cb-469f-a165-70867728950e',
      { id: '0f8fad5b-d9cb-469f-a165-70867728950e' },
    ],
    ['items/{flag:bool}', '/items/True', { flag: 'True' }],
    ['items/{name:alpha:length(2,4)}', '/items/abc', { name: 'abc' }],
    ['items/{code:regex(^[a-z]{{2}}\\d$)}', '/items/ab1', { code: 'ab1' }],
    ['files/{*path}', '/files/a/b/c.txt', { path: 'a/b/c.txt' }],
    ['files/{*path}', '/files', {}],
    ['files/{name}.{ext}', '/files/report.final.pdf', { name: 'report.final', ext: 'pdf' }],
    ['users/{id}/posts/{postId:int?}', '/users/u%201/posts', { id: 'u 1' }],
    ['', '/', {}],
  ])('%s matches %s', (template, path, params) => {
    expect(compileRouteTemplate(template).match(path)).toEqual(params);
  });

  it.each([
    ['items', '/items/1'],
    ['items/{id}', '/items'],
    ['items/{id:int}', '/items/abc'],
    ['items/{id:int}', '/items/99999999999'],
    ['items/{id:int:min(1)}', '/items/0'],
    ['items/{id:range(1,3)}', '/items/4'],
    ['items/{flag:bool}', '/items/yes'],
    ['items/{name:alpha:length(2,4)}', '/items/abcde'],
    ['items/{id:guid}', '/items/not-a-guid'],
    ['files/{name}.{ext}', '/files/noextension'],
  ])('%s does not match %s', (template, path) => {
    expect(compileRouteTemplate(template).match(path)).toBeUndefined();
  });

  it.each([
    'items/{id',
    'items/{*rest}/more',
    'items/{a}/{a}',
    'items/{id:nosuchconstraint}',
    'x/{1bad}',
  ])('rejects the invalid template %s', (template) => {
    expect(() => compileRouteTemplate(template)).toThrow(RouteTemplateError);
  });
});

describe('route table', () => {
  const table = new RouteTable(
    'api',
    [
      {
        name: 'byName',
        bindings: [{ name: 't', type: 'httpTrigger', route: 'items/{name}', methods: ['GET'] }],
      },
      {
        name: 'byId',
        bindings: [{ name: 't', type: 'httpTrigger', route: 'items/{id:int}', methods: ['GET'] }],
      },
      {
        name: 'create',
        bindings: [{ name: 't', type: 'httpTrigger', route: 'items/new', methods: ['post'] }],
      },
      {
        name: 'rest',
        bindings: [{ name: 't', type: 'httpTrigger', route: '{*rest}', methods: ['GET'] }],
      },
      { name: 'defaults', bindings: [{ name: 't', type: 'httpTrigger' }] },
      { name: 'timer', bindings: [{ name: 't', type: 'timerTrigger', schedule: '* * * * * *' }] },
      { name: 'broken', bindings: [{ name: 't', type: 'httpTrigger', route: 'x/{' }] },
    ],
    () => {},
  );

  it('prefers literal segments, then constrained parameters, then plain ones, then catch-alls', () => {
    expect(table.resolve('POST', '/api/items/new')).toMatchObject({
      kind: 'match',
      fn: { name: 'create' },
    });
    expect(table.resolve('GET', '/api/items/5')).toMatchObject({
      kind: 'match',
      fn: { name: 'byId' },
    });
    expect(table.resolve('GET', '/api/items/five')).toMatchObject({
      kind: 'match',
      fn: { name: 'byName' },
    });
    expect(table.resolve('GET', '/api/other/thing')).toMatchObject({
      kind: 'match',
      fn: { name: 'rest' },
      params: { rest: 'other/thing' },
    });
  });

  it('defaults the route to the function name and the methods to GET and POST', () => {
    expect(table.resolve('POST', '/api/defaults')).toMatchObject({
      kind: 'match',
      fn: { name: 'defaults' },
    });
    expect(table.resolve('DELETE', '/api/defaults')).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET', 'POST'],
    });
  });

  it('answers not-found outside the prefix and skips invalid routes and other triggers', () => {
    expect(table.resolve('GET', '/items/5')).toEqual({ kind: 'not-found' });
    expect(table.resolve('GET', '/apix/items/5')).toEqual({ kind: 'not-found' });
    expect(table.functions.map((fn) => fn.name)).not.toContain('timer');
    expect(table.functions.map((fn) => fn.name)).not.toContain('broken');
  });
});
