// Every kind of bad POST /api/messages body, through the registered handler with real
// HttpRequest/InvocationContext objects. None of them reaches SignalR, so the configured
// endpoint is a closed port: a bad body that slipped through would show up as a 503.
import { beforeAll, describe, expect, it } from 'vitest';
import { messages } from '../src/functions/messages.js';
import { validateSendMessageRequest } from '../src/shared/chat-message.js';
import {
  alice,
  EMULATOR_KEY,
  errorOf,
  jsonRequest,
  makeContext,
  makeRequest,
} from './support/requests.js';

beforeAll(() => {
  process.env.AzureSignalRConnectionString = `Endpoint=http://127.0.0.1;Port=9;AccessKey=${EMULATOR_KEY};Version=1.0;`;
});

const UUID = '7d444840-9dc0-11d1-b245-5ffdce74fad2';
const json = 'application/json';

interface BadCase {
  name: string;
  body: string | Uint8Array;
  contentType?: string;
  headers?: Record<string, string>;
  status: number;
  field: string;
  rule: string;
}

const CODE_FOR_STATUS: Record<number, string> = {
  400: 'invalid_body',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'invalid_request',
};

const asJson = (value: unknown) => JSON.stringify(value);

const badBodies: BadCase[] = [
  {
    name: 'text/plain',
    body: asJson({ text: 'hi' }),
    contentType: 'text/plain',
    status: 415,
    field: 'body',
    rule: 'content-type',
  },
  {
    name: 'no content type',
    body: asJson({ text: 'hi' }),
    contentType: '',
    status: 415,
    field: 'body',
    rule: 'content-type',
  },
  {
    name: 'form encoded',
    body: 'text=hi',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
    field: 'body',
    rule: 'content-type',
  },
  {
    name: 'JSON in latin1',
    body: asJson({ text: 'hi' }),
    contentType: 'application/json; charset=latin1',
    status: 415,
    field: 'body',
    rule: 'content-type',
  },
  {
    name: 'over 16 KB',
    body: asJson({ text: 'x'.repeat(17_000) }),
    status: 413,
    field: 'body',
    rule: 'max-size',
  },
  {
    name: 'declared over 16 KB',
    body: asJson({ text: 'hi' }),
    headers: { 'content-length': '999999' },
    status: 413,
    field: 'body',
    rule: 'max-size',
  },
  { name: 'truncated JSON', body: '{"text": "hi"', status: 400, field: 'body', rule: 'json' },
  { name: 'empty body', body: '', status: 400, field: 'body', rule: 'json' },
  { name: 'single quotes', body: "{'text': 'hi'}", status: 400, field: 'body', rule: 'json' },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([0x7b, 0x22, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    status: 400,
    field: 'body',
    rule: 'utf-8',
  },
  { name: 'an array', body: asJson([{ text: 'hi' }]), status: 400, field: 'body', rule: 'object' },
  { name: 'a string', body: asJson('hi'), status: 400, field: 'body', rule: 'object' },
  { name: 'null', body: 'null', status: 400, field: 'body', rule: 'object' },
  { name: 'a number', body: '42', status: 400, field: 'body', rule: 'object' },
  {
    name: 'deeply nested arrays',
    body: '['.repeat(7000) + ']'.repeat(7000),
    status: 400,
    field: 'body',
    rule: 'object',
  },
  {
    name: 'deeply nested objects',
    body: '{"a":'.repeat(2500) + '1' + '}'.repeat(2500),
    status: 422,
    field: 'text',
    rule: 'required',
  },
  {
    name: 'no text',
    body: asJson({ message: 'hi' }),
    status: 422,
    field: 'text',
    rule: 'required',
  },
  { name: 'text a number', body: asJson({ text: 5 }), status: 422, field: 'text', rule: 'type' },
  { name: 'text null', body: asJson({ text: null }), status: 422, field: 'text', rule: 'type' },
  {
    name: 'text an array',
    body: asJson({ text: ['hi'] }),
    status: 422,
    field: 'text',
    rule: 'type',
  },
  {
    name: 'text an object',
    body: asJson({ text: { $gt: '' } }),
    status: 422,
    field: 'text',
    rule: 'type',
  },
  {
    name: 'text empty',
    body: asJson({ text: '' }),
    status: 422,
    field: 'text',
    rule: 'min-length',
  },
  {
    name: 'text only whitespace',
    body: asJson({ text: ' \n\t  ' }),
    status: 422,
    field: 'text',
    rule: 'min-length',
  },
  {
    name: 'text 2,001 characters',
    body: asJson({ text: 'x'.repeat(2001) }),
    status: 422,
    field: 'text',
    rule: 'max-length',
  },
  {
    name: 'text 2,001 emoji',
    body: asJson({ text: '😀'.repeat(2001) }),
    status: 422,
    field: 'text',
    rule: 'max-length',
  },
  {
    name: 'text with NUL',
    body: asJson({ text: 'a\u0000b' }),
    status: 422,
    field: 'text',
    rule: 'control-characters',
  },
  {
    name: 'text with ESC',
    body: asJson({ text: 'a\u001b[31mred' }),
    status: 422,
    field: 'text',
    rule: 'control-characters',
  },
  {
    name: 'text with CR',
    body: asJson({ text: 'a\rb' }),
    status: 422,
    field: 'text',
    rule: 'control-characters',
  },
  {
    name: 'text with a C1 control',
    body: asJson({ text: 'a\u0085b' }),
    status: 422,
    field: 'text',
    rule: 'control-characters',
  },
  {
    name: 'text with a lone surrogate',
    body: '{"text":"a\\ud800b"}',
    status: 422,
    field: 'text',
    rule: 'well-formed',
  },
  {
    name: 'recipient a number',
    body: asJson({ text: 'hi', recipient: 5 }),
    status: 422,
    field: 'recipient',
    rule: 'type',
  },
  {
    name: 'recipient null',
    body: asJson({ text: 'hi', recipient: null }),
    status: 422,
    field: 'recipient',
    rule: 'type',
  },
  {
    name: 'recipient empty',
    body: asJson({ text: 'hi', recipient: '' }),
    status: 422,
    field: 'recipient',
    rule: 'format',
  },
  {
    name: 'recipient with spaces',
    body: asJson({ text: 'hi', recipient: 'bob smith' }),
    status: 422,
    field: 'recipient',
    rule: 'format',
  },
  {
    name: 'recipient a path',
    body: asJson({ text: 'hi', recipient: '../groups/x' }),
    status: 422,
    field: 'recipient',
    rule: 'format',
  },
  {
    name: 'recipient markup',
    body: asJson({ text: 'hi', recipient: '<script>' }),
    status: 422,
    field: 'recipient',
    rule: 'format',
  },
  {
    name: 'recipient too long',
    body: asJson({ text: 'hi', recipient: 'b'.repeat(129) }),
    status: 422,
    field: 'recipient',
    rule: 'format',
  },
  {
    name: 'id a number',
    body: asJson({ text: 'hi', id: 123 }),
    status: 422,
    field: 'id',
    rule: 'type',
  },
  {
    name: 'id not a UUID',
    body: asJson({ text: 'hi', id: 'message-1' }),
    status: 422,
    field: 'id',
    rule: 'format',
  },
  {
    name: 'id in braces',
    body: asJson({ text: 'hi', id: `{${UUID}}` }),
    status: 422,
    field: 'id',
    rule: 'format',
  },
  {
    name: 'id too long',
    body: asJson({ text: 'hi', id: `${UUID}0` }),
    status: 422,
    field: 'id',
    rule: 'format',
  },
];

describe('POST /api/messages rejects bad bodies', () => {
  it('has a table of at least 25 bad bodies', () => {
    expect(badBodies.length).toBeGreaterThanOrEqual(25);
  });

  it.each(badBodies)('$name -> $status ($field, $rule)', async (bad) => {
    const headers: Record<string, string> = { ...bad.headers };
    const contentType = bad.contentType ?? json;
    if (contentType) headers['content-type'] = contentType;
    const response = await messages(
      makeRequest({ user: alice, headers, body: bad.body }),
      makeContext(),
    );
    expect(response.status).toBe(bad.status);
    expect(errorOf(response)).toMatchObject({
      code: CODE_FOR_STATUS[bad.status],
      field: bad.field,
      rule: bad.rule,
    });
    expect(typeof (response.jsonBody as { error: { message: unknown } }).error.message).toBe(
      'string',
    );
  });

  it('answers 401 before looking at the body when anonymous', async () => {
    const response = await messages(jsonRequest(undefined, 'not even an object'), makeContext());
    expect(response.status).toBe(401);
    expect(errorOf(response).code).toBe('unauthenticated');
  });
});

describe('validateSendMessageRequest', () => {
  it('normalizes a valid request: trims text, lower-cases the id, ignores unknown fields', () => {
    expect(
      validateSendMessageRequest({
        text: '  hello\n\tworld ',
        recipient: 'bob-id',
        id: UUID.toUpperCase(),
        sender: { id: 'admin', name: 'Admin' },
      }),
    ).toEqual({ ok: true, value: { text: 'hello\n\tworld', recipient: 'bob-id', id: UUID } });
  });

  it('counts characters, not UTF-16 units: 2,000 emoji pass', () => {
    expect(validateSendMessageRequest({ text: '😀'.repeat(2000) }).ok).toBe(true);
  });

  it('reports every problem at once', () => {
    expect(validateSendMessageRequest({ text: '', recipient: 1, id: 'x' })).toEqual({
      ok: false,
      problems: [
        { field: 'text', rule: 'min-length' },
        { field: 'recipient', rule: 'type' },
        { field: 'id', rule: 'format' },
      ],
    });
  });
});
