import { type Page } from '@playwright/test';
import { conversationHeading, conversationList, expectConnected, timeline } from '../chat-page.ts';
import { expect, test } from '../fixtures.ts';

const connected = (page: Page) => expectConnected(page, { timeout: 30_000 });

// Other tests in this worker share the stack: unique names keep their people out of this list.
const tag = Date.now().toString(36).slice(-4);
const ALICE = `alice-${tag}`;
const BOB = `bob-${tag}`;

const onlineList = (page: Page) => page.getByRole('list', { name: 'Online' });
const onlineEntry = (page: Page, name: string) =>
  onlineList(page).getByRole('listitem').filter({ hasText: name });

test('alice sees bob come online and, once his page is closed, go offline', async ({ signIn }) => {
  const alice = await signIn(ALICE);
  await connected(alice.page);
  await expect(onlineEntry(alice.page, ALICE)).toHaveText(`${ALICE} (you)`);
  await expect(onlineEntry(alice.page, BOB)).toHaveCount(0);

  const bob = await signIn(BOB);
  await connected(bob.page);
  await expect(
    onlineList(alice.page).getByRole('button', { name: BOB, exact: true }),
  ).toBeVisible();
  // Bob sees alice too: his list came from GET /api/presence, not from her join event.
  await expect(
    onlineList(bob.page).getByRole('button', { name: ALICE, exact: true }),
  ).toBeVisible();

  // Activating his name opens the direct conversation with him.
  await onlineList(alice.page).getByRole('button', { name: BOB, exact: true }).click();
  await expect(conversationHeading(alice.page, BOB)).toBeVisible();
  await expect(alice.page).toHaveURL(/\/dm\/[^/]+$/);

  const closedAt = Date.now();
  await bob.context.close();
  await expect(onlineEntry(alice.page, BOB)).toHaveCount(0, { timeout: 20_000 });
  test.info().annotations.push({
    type: 'offline after page close',
    description: `${Date.now() - closedAt} ms`,
  });
  await expect(onlineEntry(alice.page, ALICE)).toHaveCount(1);
});

test('alice sees "bob is typing…" while bob types, and not after', async ({ signIn }) => {
  const alice = await signIn(ALICE);
  const bob = await signIn(BOB);
  await connected(alice.page);
  await connected(bob.page);
  const typingNotice = alice.page.getByText(`${BOB} is typing…`);
  const composer = bob.page.getByRole('textbox', { name: 'Message' });

  // Stops by itself: gone a few seconds after the typing stops, with nothing sent.
  const typedAt = Date.now();
  await composer.pressSequentially('I am thinking');
  await expect(typingNotice).toBeVisible();
  test.info().annotations.push({
    type: 'typing shown after first keystroke',
    description: `${Date.now() - typedAt} ms (typing the 13 characters included)`,
  });
  const stoppedAt = Date.now();
  await expect(bob.page.getByText(`${ALICE} is typing`)).toHaveCount(0); // never to the typist
  await expect(typingNotice).toBeHidden({ timeout: 15_000 });
  test.info().annotations.push({
    type: 'typing gone after the last keystroke',
    description: `${Date.now() - stoppedAt} ms`,
  });

  // Goes as soon as the message it announced arrives (the throttle window has passed by now).
  await composer.fill('');
  await composer.pressSequentially(' here it is');
  await expect(typingNotice).toBeVisible();
  await composer.press('Enter');
  await expect(
    timeline(alice.page).getByRole('listitem').filter({ hasText: 'here it is' }),
  ).toBeVisible();
  await expect(typingNotice).toBeHidden({ timeout: 2_000 });
});

test('typing in a direct conversation shows there only', async ({ signIn }) => {
  const alice = await signIn(ALICE);
  const bob = await signIn(BOB);
  await connected(alice.page);
  await connected(bob.page);

  // Both open their direct conversation from the Online list.
  await onlineList(alice.page).getByRole('button', { name: BOB, exact: true }).click();
  await expect(conversationHeading(alice.page, BOB)).toBeVisible();
  await onlineList(bob.page).getByRole('button', { name: ALICE, exact: true }).click();
  await expect(conversationHeading(bob.page, ALICE)).toBeVisible();

  await alice.page.getByRole('textbox', { name: 'Message' }).pressSequentially('just us');
  await expect(bob.page.getByText(`${ALICE} is typing…`)).toBeVisible();

  // Not in #general, where bob goes next (alice keeps typing, so notices keep coming).
  await conversationList(bob.page)
    .getByRole('link', { name: /^#general/ })
    .click();
  await alice.page.getByRole('textbox', { name: 'Message' }).pressSequentially(' and more');
  await expect(timeline(bob.page)).toBeVisible();
  await expect(bob.page.getByText(`${ALICE} is typing…`)).toBeHidden();
});
