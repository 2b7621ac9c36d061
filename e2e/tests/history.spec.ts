import { type Page } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { conversationLink, expectConnected, send, timeline } from '../chat-page.ts';
import { expect, test } from '../fixtures.ts';

const connected = (page: Page) => expectConnected(page, { timeout: 30_000 });

// Other tests in this worker share the stack and its storage: this test's messages carry a tag.
const tag = `[${Date.now().toString(36)}]`;
const messageTexts = (page: Page) =>
  timeline(page).locator('li .message__text').filter({ hasText: tag });

test('messages sent while someone is offline reach them once, in order, and stay after a reload', async ({
  signIn,
  stack,
}) => {
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  await connected(alice.page);
  await connected(bob.page);

  await send(alice.page, `${tag} before the outage`);
  await expect(timeline(bob.page)).toContainText(`${tag} before the outage`);

  await bob.context.setOffline(true);
  await expect(bob.page.getByRole('status')).not.toHaveText(/^\s*connected\s*$/i);
  const missed = ['missed one', 'missed two', 'missed three'].map((text) => `${tag} ${text}`);
  for (const text of missed) {
    await send(alice.page, text);
    await expect(
      timeline(alice.page).getByRole('listitem').filter({ hasText: text }),
    ).toBeVisible();
  }
  // And two direct messages to bob, in a conversation his page has never heard of.
  const me = await bob.page.request.get('/.auth/me');
  const bobId = ((await me.json()) as { clientPrincipal: { userId: string } }).clientPrincipal
    .userId;
  const direct = await alice.page.request.post(`/api/direct/${encodeURIComponent(bobId)}`);
  const directId = ((await direct.json()) as { id: string }).id;
  for (const text of ['psst, bob', 'are you back?']) {
    const sent = await alice.page.request.post(
      `/api/conversations/${encodeURIComponent(directId)}/messages`,
      { data: { id: randomUUID(), text } },
    );
    expect(sent.status()).toBe(202);
  }
  await bob.context.setOffline(false);
  await connected(bob.page);

  const expected = [`${tag} before the outage`, ...missed];
  await expect(messageTexts(bob.page)).toHaveText(expected);
  // Every conversation's count is right after the reconnect, not only the open one's.
  await expect(conversationLink(bob.page, 'alice')).toHaveAccessibleName(
    /^alice, (online|offline), 2 unread$/,
  );

  // A later message arrives live after the catch-up, and nothing shows twice.
  await send(alice.page, `${tag} after the outage`);
  await expect(messageTexts(bob.page)).toHaveText([...expected, `${tag} after the outage`]);

  // Storage restarted right after the last write (as when `npm start` is stopped and started
  // again): the conversation is still there after a reload.
  await stack.stopService('storage');
  await stack.startService('storage');
  await bob.page.reload();
  await connected(bob.page);
  await expect(messageTexts(bob.page)).toHaveText([...expected, `${tag} after the outage`]);
});
