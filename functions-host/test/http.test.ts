import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeAllHosts,
  fixture,
  principalHeader,
  startTestHost,
  type TestHost,
} from './helpers.js';

interface Echo {
  functionName: string;
  invocationId: string;
  method: string;
  url: string;
  params: Record<string, string>;
  query: [string, string][];
  header: string | null;
  contentType: string | null;
  text: string;
  user: {
    type: string;
    id: string;
    username: string;
    identityProvider: string;
    claimsPrincipalData: unknown;
  } | null;
}

let host: TestHost;

beforeAll(async () => {
  host = await startTestHost(fixture('basic'), { env: { FUNCTIONS_HOST_KEY: 'local-test-key' } });
});
afterAll(closeAllHosts);

async function echo(path: string, init?: RequestInit): Promise<Echo> {
  const response = await fetch(`${host.url}${path}`, init);
  expect(response.status).toBe(200);
  return (await response.json()) as Echo;
}

describe('registration and routing', () => {
  it('lists the functions the app registered through its own @azure/functions', () => {
    expect([...host.functions].sort()).toEqual(
      [
        'defaultRoute',
        'echo',
        'files',
        'hooked',
        'itemById',
        'itemByName',
        'jsonBody',
        'logs',
        'responses',
        'secret',
        'settings',
        'tick',
      ].sort(),
    );
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
  });

  it('routes parameters, optional parameters, constraints and catch-alls', async () => {
    expect((await echo('/api/echo/5')).params).toEqual({ id: '5' });
    expect((await echo('/api/echo')).params).toEqual({});
    expect(await echo('/api/items/12')).toMatchObject({
      functionName: 'itemById',
      params: { id: '12' },
    });
    expect(await echo('/api/items/twelve')).toMatchObject({
      functionName: 'itemByName',
      params: { name: 'twelve' },
    });
    expect(await echo('/api/files/a/b%20c/d.txt')).toMatchObject({
      params: { path: 'a/b c/d.txt' },
    });
    expect(await echo('/API/Echo/x')).toMatchObject({ functionName: 'echo', params: { id: 'x' } });
  });

  it('defaults the route to the function name and the methods to GET and POST', async () => {
    expect((await echo('/api/defaultRoute')).method).toBe('GET');
    expect((await echo('/api/defaultRoute', { method: 'POST', body: 'x' })).method).toBe('POST');
    const put = await fetch(`${host.url}/api/defaultRoute`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST');
  });

  it('answers 405 with Allow for a known route and another method', async () => {
    const response = await fetch(`${host.url}/api/json`);
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
    expect(await response.json()).toMatchObject({ error: 'Method Not Allowed' });
  });

  it('answers 404 with a JSON body for unknown routes and paths outside the prefix', async () => {
    for (const path of ['/api/nothing-here', '/echo/5', '/', '/api/items/1/2']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.json()).toMatchObject({ error: 'Not Found' });
    }
  });

  it('answers 401 for authLevel function without the key, and runs it with the key', async () => {
    const anonymous = await fetch(`${host.url}/api/secret`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: 'Unauthorized' });
    expect(
      (await fetch(`${host.url}/api/secret`, { headers: { 'x-functions-key': 'wrong' } })).status,
    ).toBe(401);
    expect(
      (await echo('/api/secret', { headers: { 'x-functions-key': 'local-test-key' } }))
        .functionName,
    ).toBe('secret');
    expect((await echo('/api/secret?code=local-test-key')).functionName).toBe('secret');
    expect(host.logs.join('\n')).not.toContain('local-test-key');
  });
});

describe('request objects', () => {
  it('hands the handler a real HttpRequest and InvocationContext', async () => {
    const body = await echo('/api/echo/abc?x=1&x=2&y=%C3%A9', {
      method: 'PUT',
      headers: { 'x-test': 'hello', 'content-type': 'text/plain' },
      body: 'some text',
    });
    expect(body).toMatchObject({
      functionName: 'echo',
      method: 'PUT',
      url: `${host.url}/api/echo/abc?x=1&x=2&y=%C3%A9`,
      params: { id: 'abc' },
      query: [
        ['x', '1'],
        ['x', '2'],
        ['y', 'é'],
      ],
      header: 'hello',
      contentType: 'text/plain',
      text: 'some text',
      user: null,
    });
    expect(body.invocationId).toMatch(/^[0-9a-f-]{36}$/);
    const again = await echo('/api/echo/abc');
    expect(again.invocationId).not.toBe(body.invocationId);
  });

  it('passes JSON and binary bodies through unchanged', async () => {
    const response = await fetch(`${host.url}/api/json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'héllo', n: [1, 2] }),
    });
    expect(await response.json()).toEqual({ received: { text: 'héllo', n: [1, 2] } });
    const bytes = Buffer.from('€ and more');
    expect((await echo('/api/echo', { method: 'POST', body: bytes })).text).toBe('€ and more');
  });

  it('exposes the Static Web Apps principal as request.user', async () => {
    const body = await echo('/api/echo', {
      headers: { 'x-ms-client-principal': principalHeader('u-1', 'alice') },
    });
    expect(body.user).toMatchObject({
      type: 'StaticWebApps',
      id: 'u-1',
      username: 'alice',
      identityProvider: 'github',
    });
  });
});

describe('responses', () => {
  it('writes an HttpResponseInit with a string body, status and headers', async () => {
    const response = await fetch(`${host.url}/api/responses/init-string`);
    expect(response.status).toBe(201);
    expect(response.headers.get('x-kind')).toBe('string');
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await response.text()).toBe('created');
  });

  it('writes jsonBody as JSON', async () => {
    const response = await fetch(`${host.url}/api/responses/init-json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ a: 1, list: [1, 2] });
  });

  it('writes Buffer bodies byte for byte', async () => {
    const response = await fetch(`${host.url}/api/responses/init-buffer`);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([0, 1, 2, 255]);
  });

  it('streams Node and web stream bodies', async () => {
    expect(await (await fetch(`${host.url}/api/responses/node-stream`)).text()).toBe(
      'one two three',
    );
    expect(await (await fetch(`${host.url}/api/responses/web-stream`)).text()).toBe('web stream');
  });

  it('writes HttpResponse instances', async () => {
    const response = await fetch(`${host.url}/api/responses/http-response`);
    expect(response.status).toBe(202);
    expect(response.headers.get('x-kind')).toBe('class');
    expect(await response.json()).toEqual({ accepted: true });
  });

  it('turns cookies into Set-Cookie headers, next to ones set by hand', async () => {
    const response = await fetch(`${host.url}/api/responses/cookies`);
    expect(response.headers.getSetCookie()).toEqual([
      'raw=1',
      'session=abc123; Path=/; Max-Age=60; SameSite=Strict; Secure; HttpOnly',
      'pref=a%20b%3Bc; Expires=Tue, 01 Jan 2030 00:00:00 GMT',
    ]);
    expect(await response.text()).toBe('with cookies');
  });

  it('answers a status without a body, and 204 when the handler returns nothing', async () => {
    const teapot = await fetch(`${host.url}/api/responses/status-only`);
    expect(teapot.status).toBe(418);
    expect(await teapot.text()).toBe('');
    const nothing = await fetch(`${host.url}/api/responses/nothing`);
    expect(nothing.status).toBe(204);
  });

  it('sends no body for HEAD', async () => {
    const response = await fetch(`${host.url}/api/responses/init-string`, { method: 'HEAD' });
    expect(response.status).toBe(201);
    expect(await response.text()).toBe('');
  });

  it('answers 500 JSON and logs the error when a handler throws, rejects or returns garbage', async () => {
    for (const kind of ['throws', 'rejects', 'not-an-object']) {
      const response = await fetch(`${host.url}/api/responses/${kind}`);
      expect(response.status, kind).toBe(500);
      expect(await response.json()).toMatchObject({ error: 'Internal Server Error' });
    }
    const logs = host.logs.join('\n');
    expect(logs).toContain('boom from the handler');
    expect(logs).toContain('async boom');
    // The worker survived: the next invocation still works.
    expect((await fetch(`${host.url}/api/responses/init-json`)).status).toBe(200);
  });
});

describe('hooks', () => {
  it('runs appStart, preInvocation and postInvocation hooks around the handler', async () => {
    const response = await fetch(`${host.url}/api/hooked`);
    expect(await response.json()).toEqual({
      handler: true,
      wrapped: true,
      before: 'pre',
      app: 'app start',
    });
  });
});

describe('host endpoints and logging', () => {
  it('answers GET /admin/functions the way the SWA CLI expects', async () => {
    const response = await fetch(`${host.url}/admin/functions`);
    expect(response.status).toBe(200);
    const list = (await response.json()) as {
      name: string;
      invoke_url_template: string | null;
      config: { bindings: { type: string; direction?: string; route?: string }[] };
    }[];
    const echoFn = list.find((fn) => fn.name === 'echo');
    expect(echoFn?.config.bindings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'httpTrigger', direction: 'in', route: 'echo/{id?}' }),
        expect.objectContaining({ type: 'http', direction: 'out' }),
      ]),
    );
    expect(echoFn?.invoke_url_template).toBe(`${host.url}/api/echo/{id?}`);
    expect(list.find((fn) => fn.name === 'tick')?.config.bindings[0]?.type).toBe('timerTrigger');
  });

  it('logs each invocation with function, method, path, status and time, and context.log lines', async () => {
    expect(await (await fetch(`${host.url}/api/logs`)).text()).toBe('logged');
    expect(host.logs).toContainEqual('[logs] a log line from logs');
    expect(host.logs).toContainEqual('[logs warning] a warning');
    expect(
      host.logs.some((line) =>
        /^Executed 'logs' GET \/api\/logs -> 200 in \d+(\.\d+)? ms$/.test(line),
      ),
    ).toBe(true);
  });
});

describe('bad input', () => {
  it('never answers 5xx to odd paths', async () => {
    for (const path of ['/api/echo/%E0%A4%A', '/api/files/%', '/api//echo', '/api/echo/a%2Fb']) {
      const response = await fetch(`${host.url}${path}`);
      expect(response.status, path).toBeLessThan(500);
    }
  });

  it('answers 413 at once for a body declared larger than 100 MB', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(`${host.url}/api/json`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'content-length': String(200 * 1024 * 1024),
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', reject);
      req.write('{');
    });
    expect(status).toBe(413);
  });
});
