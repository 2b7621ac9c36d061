import { describe, expect, it } from 'vitest';
import { ApiError, apiErrorFromResponse, networkError, parseRetryAfter } from './api-error.js';
import { fetchCurrentUser } from './auth.js';
import { describeSendError } from './describe-error.js';
import { isChatMessage, toMessagePage } from './chat-message-guard.js';
import { deleteMessage, editMessage, postMessage, setReaction } from './messages.js';
import { FakeFetch, json } from '../test/fake-fetch.js';
import { createRoom, markRead, openDirect, roomConversation } from './conversations.js';

describe('API errors', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it("takes code, message and field from the API's error body", async () => {
    const error = await apiErrorFromResponse(
      json(
        { error: { code: 'invalid_request', message: 'Bad text.', field: 'text', rule: 'type' } },
        422,
      ),
    );
    expect(error).toMatchObject({ status: 422, code: 'invalid_request', message: 'Bad text.' });
    expect(error.details).toMatchObject({ field: 'text', rule: 'type' });
  });

  it('copes with a body that is not JSON', async () => {
    const error = await apiErrorFromResponse(
      new Response('<html>Bad gateway</html>', { status: 502 }),
    );
    expect(error).toMatchObject({ status: 502, code: 'http' });
    expect(describeSendError(error)).toBe('Not sent: the server had a problem (502).');
  });

  it('describes each kind of failure in one sentence', () => {
    expect(
      describeSendError(new ApiError(429, 'rate_limited', 'x', { retryAfterSeconds: 3 })),
    ).toBe('Too many messages: try again in 3 s.');
    expect(describeSendError(new ApiError(429, 'rate_limited', 'x'))).toBe(
      'Too many messages: try again in a moment.',
    );
    expect(describeSendError(networkError(new TypeError('Failed to fetch')))).toBe(
      'Not sent: the server could not be reached.',
    );
    expect(describeSendError(new ApiError(422, 'invalid_request', 'Text is empty.'))).toBe(
      'Not sent: Text is empty.',
    );
  });
});

describe('postMessage', () => {
  it('fails a send the server never answers, so it can be retried', async () => {
    const hanging: typeof fetch = (_input, init) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const sent = postMessage('general', { id: 'a', text: 'hello' }, hanging, 20);
    await expect(sent).rejects.toMatchObject({ status: 0, code: 'timeout' });
    await sent.catch((error: unknown) =>
      expect(describeSendError(error)).toBe('Not sent: the server did not answer in time.'),
    );
  });

  it('resolves null when a 202 carries no usable message', async () => {
    const accepted: typeof fetch = () => Promise.resolve(json({ unexpected: true }, 202));
    await expect(postMessage('general', { id: 'a', text: 'hello' }, accepted)).resolves.toBeNull();
  });
});

describe('conversation routes', () => {
  it('send to the conversation named in the path, ids encoded, only id and text in the body', async () => {
    const network = new FakeFetch().route('POST', '/api/conversations/dm.a%2Fb.c/messages', () =>
      json({ unexpected: true }, 202),
    );
    await postMessage('dm.a/b.c', { id: 'a', text: 'hi' }, network.fetch);
    expect(network.requests).toEqual([
      {
        method: 'POST',
        path: '/api/conversations/dm.a%2Fb.c/messages',
        query: '',
        body: { id: 'a', text: 'hi' },
      },
    ]);
  });

  it('reports a taken room name with its status, code and field', async () => {
    const network = new FakeFetch().route('POST', '/api/rooms', () =>
      json({ error: { code: 'name_taken', message: 'Taken.', field: 'name' } }, 409),
    );
    const created = createRoom({ name: 'Ops', visibility: 'public' }, network.fetch);
    await expect(created).rejects.toMatchObject({ status: 409, code: 'name_taken' });
    await created.catch((error: unknown) =>
      expect((error as { details: { field?: string } }).details.field).toBe('name'),
    );
  });

  it('refuses a 200 whose body is not a conversation', async () => {
    const network = new FakeFetch()
      .route('PUT', '/api/conversations/general/read', () => json({ id: 'general' }))
      .route('POST', '/api/direct/bob%40x', () =>
        json({ id: 'dm.1', kind: 'direct', name: 'bob', unread: 0 }),
      );
    await expect(markRead('general', 'm1', network.fetch)).rejects.toMatchObject({ code: 'http' });
    // A direct conversation without its partner is not one.
    await expect(openDirect('bob@x', network.fetch)).rejects.toMatchObject({ code: 'http' });
    expect(network.requests.map((r) => r.body)).toEqual([{ upTo: 'm1' }, undefined]);
  });

  it('turns a room of the directory into a list entry with nothing unread', () => {
    expect(
      roomConversation({
        id: 'r1',
        name: 'ops',
        visibility: 'private',
        memberCount: 2,
        isMember: true,
      }),
    ).toEqual({ id: 'r1', kind: 'room', name: 'ops', visibility: 'private', unread: 0 });
  });
});

describe('fetchCurrentUser', () => {
  it('treats a principal without a user id as signed out', async () => {
    const me: typeof fetch = () => Promise.resolve(json({ clientPrincipal: { userDetails: 'x' } }));
    await expect(fetchCurrentUser(me)).resolves.toBeNull();
  });

  it('reads the signed-in person', async () => {
    const me: typeof fetch = () =>
      Promise.resolve(
        json({
          clientPrincipal: {
            identityProvider: 'aad',
            userId: 'u1',
            userDetails: 'Ada',
            userRoles: [],
          },
        }),
      );
    await expect(fetchCurrentUser(me)).resolves.toEqual({ id: 'u1', name: 'Ada', provider: 'aad' });
  });
});

describe('acting on messages', () => {
  const message = {
    id: 'm-1',
    text: 'hi',
    sender: { id: 'bob-id', name: 'bob' },
    conversationId: 'r/1',
    isPrivate: false,
    sentAt: '2026-01-01T12:00:00.000Z',
  };

  it('sends PATCH, DELETE and the reaction routes with encoded ids and emoji', async () => {
    const network = new FakeFetch()
      .route('PATCH', '/api/conversations/r%2F1/messages/m-1', () =>
        json({ ...message, text: 'edited', version: 1, editedAt: '2026-01-01T12:01:00.000Z' }),
      )
      .route('DELETE', '/api/conversations/r%2F1/messages/m-1', () =>
        json({ ...message, text: '', deleted: true, version: 2 }),
      )
      .route(
        'PUT',
        '/api/conversations/r%2F1/messages/m-1/reactions/%F0%9F%91%8D%F0%9F%8F%BD',
        () =>
          json({
            ...message,
            version: 3,
            reactions: [{ emoji: '👍🏽', count: 1, people: [{ id: 'a', name: 'a' }] }],
          }),
      );
    expect((await editMessage('r/1', 'm-1', { text: 'edited' }, network.fetch)).text).toBe(
      'edited',
    );
    expect((await deleteMessage('r/1', 'm-1', network.fetch)).deleted).toBe(true);
    expect((await setReaction('r/1', 'm-1', '👍🏽', true, network.fetch)).version).toBe(3);
    expect(network.requests.map((r) => [r.method, r.body])).toEqual([
      ['PATCH', { text: 'edited' }],
      ['DELETE', undefined],
      ['PUT', undefined],
    ]);
  });

  it('sends replyTo and mentions only when there are some', async () => {
    const network = new FakeFetch().route('POST', '/api/conversations/general/messages', () =>
      json({ ...message, conversationId: 'general' }, 202),
    );
    await postMessage('general', { id: 'x', text: 'a' }, network.fetch);
    await postMessage(
      'general',
      { id: 'y', text: '@bob', replyTo: 'm-1', mentions: ['bob-id'] },
      network.fetch,
    );
    expect(network.requests.map((r) => r.body)).toEqual([
      { id: 'x', text: 'a' },
      { id: 'y', text: '@bob', replyTo: 'm-1', mentions: ['bob-id'] },
    ]);
  });

  it('drops messages whose new parts are malformed, and keeps a page’s changed ones', () => {
    expect(isChatMessage({ ...message, version: -1 })).toBe(false);
    expect(isChatMessage({ ...message, editedAt: 'yesterday' })).toBe(false);
    expect(isChatMessage({ ...message, deleted: false })).toBe(false);
    expect(isChatMessage({ ...message, replyTo: { id: 'm-0', quote: 'x' } })).toBe(false);
    expect(isChatMessage({ ...message, mentions: [{ id: 'a' }] })).toBe(false);
    expect(isChatMessage({ ...message, reactions: [{ emoji: '👍', count: 0, people: [] }] })).toBe(
      false,
    );
    expect(
      isChatMessage({
        ...message,
        version: 4,
        replyTo: { id: 'm-0', sender: { id: 'a', name: 'a' }, quote: '', deleted: true },
        mentions: [{ id: 'a', name: 'a' }],
        reactions: [{ emoji: '👍', count: 30, people: [{ id: 'a', name: 'a' }] }],
      }),
    ).toBe(true);
    const page = toMessagePage({
      messages: [],
      hasNewer: false,
      changed: [{ ...message, version: 1 }, { nonsense: true }],
    });
    expect(page?.changed).toEqual([{ ...message, version: 1 }]);
  });
});
