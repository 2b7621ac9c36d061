import { type Page } from '@playwright/test';
import {
  conversationHeading,
  conversationLink,
  conversationList,
  createRoom,
  expectConnected,
  messageWith,
  send,
  timeline,
} from '../chat-page.ts';
import {
  clickFirstNotification,
  permissionRequests,
  recordNotifications,
  setHidden,
  shownNotifications,
} from '../notifications.ts';
import { expect, test } from '../fixtures.ts';

const connected = (page: Page) => expectConnected(page, { timeout: 30_000 });

// Other tests in this worker share the stack and its storage: unique names keep them apart.
const tag = Date.now().toString(36).slice(-5);
const ALICE = `alice-${tag}`;
const BOB = `bob-${tag}`;
const CAROL = `carol-${tag}`;

test('a private room: alice adds bob, carol never sees it; unread counts clear in all of bob’s tabs', async ({
  signIn,
}) => {
  // Three people and four pages on a shared 2-core machine: more than the default minute.
  test.slow();
  const alice = await signIn(ALICE);
  const bob = await signIn(BOB);
  const carol = await signIn(CAROL);
  // Bob's second tab: the same session in the same browser.
  const bobTab = await bob.context.newPage();
  await bobTab.goto('/');
  for (const page of [alice.page, bob.page, bobTab, carol.page]) await connected(page);

  const room = `secret-${tag}`;
  const roomId = await createRoom(alice.page, room, 'private');
  await expect(conversationLink(alice.page, `#${room}`)).toHaveAttribute('aria-current', 'page');

  await alice.page.getByRole('button', { name: 'Add people' }).click();
  const addPeople = alice.page.getByRole('region', { name: `Add people to #${room}` });
  await addPeople.getByRole('searchbox', { name: 'Name' }).fill(BOB);
  await addPeople.getByRole('button', { name: `Add ${BOB}` }).click();
  await expect(addPeople).toContainText(`${BOB} was added to #${room}.`);

  // The room's members, by name; a name opens the direct conversation.
  await alice.page.getByRole('button', { name: /^Members/ }).click();
  const members = alice.page.getByRole('region', { name: `Members of #${room}` });
  await expect(members.getByRole('listitem')).toHaveText([
    new RegExp(`^${ALICE} \\(you\\)`),
    new RegExp(`^${BOB}`),
  ]);
  await expect(alice.page.getByRole('button', { name: 'Members (2)' })).toBeVisible();
  await alice.page.keyboard.press('Escape');
  await expect(members).toBeHidden();

  // Bob's list shows it at once, in both tabs, without a reload.
  for (const page of [bob.page, bobTab]) {
    await expect(conversationLink(page, `#${room}`)).toBeVisible();
  }

  await send(alice.page, 'Only for the two of us');
  await expect(messageWith(alice.page, 'Only for the two of us')).not.toContainText('Sending…');
  for (const page of [bob.page, bobTab]) {
    await expect(conversationLink(page, `#${room}`)).toHaveAccessibleName(`#${room}, 1 unread`);
    await expect(page).toHaveTitle(/^\(\d+\) Chat$/);
  }

  // Bob opens it in one tab: it is read there, and the other tab follows.
  await conversationLink(bob.page, `#${room}`).click();
  await expect(bob.page).toHaveURL(new RegExp(`/r/${roomId}$`));
  await expect(messageWith(bob.page, 'Only for the two of us')).toContainText(ALICE);
  // What was new when he opened it is marked.
  await expect(timeline(bob.page).getByRole('separator', { name: 'New messages' })).toBeVisible();
  for (const page of [bob.page, bobTab]) {
    await expect(conversationLink(page, `#${room}`)).toHaveAccessibleName(`#${room}`);
  }

  // Carol: not in her list, not in her directory, not readable, even by its id.
  await send(alice.page, 'still secret');
  await conversationLink(alice.page, '#general').click();
  await send(alice.page, `after the secret ${tag}`);
  await expect(messageWith(carol.page, `after the secret ${tag}`)).toBeVisible();
  await expect(conversationLink(carol.page, `#${room}`)).toHaveCount(0);
  await expect(timeline(carol.page)).not.toContainText('secret room');
  const directory = await carol.page.request.get('/api/rooms');
  expect(JSON.stringify(await directory.json())).not.toContain(room);
  const read = await carol.page.request.get(
    `/api/conversations/${encodeURIComponent(roomId)}/messages`,
  );
  expect([403, 404]).toContain(read.status());
});

test('a direct message while bob’s page is hidden raises a notification that opens it', async ({
  signIn,
}) => {
  const alice = await signIn(ALICE);
  const bob = await signIn(BOB);
  // Record the page's calls to the real Notification API, and let the test hide the page
  // (a headless browser's pages are always "visible").
  await recordNotifications(bob.context);

  // Nothing is asked on load: only the visible control asks.
  await bob.page.reload();
  await connected(bob.page);
  await expect(bob.page.getByRole('button', { name: 'Enable notifications' })).toBeVisible();
  expect(await permissionRequests(bob.page)).toBe(0);
  await bob.page.getByRole('button', { name: 'Enable notifications' }).click();
  await expect.poll(() => permissionRequests(bob.page)).toBe(1);

  // Bob allows notifications (the browser's prompt is out of reach of a test).
  await bob.context.grantPermissions(['notifications']);
  await bob.page.reload();
  await connected(bob.page);
  await expect(bob.page.getByText('Notifications on')).toBeVisible();
  await connected(alice.page);

  // Alice opens the direct conversation from bob's name in the Online list.
  await alice.page
    .getByRole('list', { name: 'Online' })
    .getByRole('button', { name: BOB, exact: true })
    .click();
  await expect(conversationHeading(alice.page, BOB)).toBeVisible();
  await expect(alice.page).toHaveURL(/\/dm\/[^/]+$/);

  await setHidden(bob.page, true);
  await send(alice.page, 'Are you there, bob? This is a direct message.');
  await expect
    .poll(() => shownNotifications(bob.page))
    .toEqual([
      {
        title: ALICE,
        body: 'Are you there, bob? This is a direct message.',
        tag: expect.stringMatching(/.+/),
      },
    ]);
  await expect(conversationLink(bob.page, ALICE)).toHaveAccessibleName(
    `${ALICE}, online, 1 unread`,
  );

  // Clicking the notification brings bob to the conversation.
  await setHidden(bob.page, false);
  await clickFirstNotification(bob.page);
  await expect(bob.page).toHaveURL(/\/dm\/[^/]+$/);
  await expect(conversationHeading(bob.page, ALICE)).toBeVisible();
  await expect(messageWith(bob.page, 'Are you there, bob?')).toContainText(ALICE);
  await expect(conversationLink(bob.page, ALICE)).toHaveAccessibleName(`${ALICE}, online`);
});

test('a /r/ link reloads into its room; Back and Forward move between conversations', async ({
  signIn,
}) => {
  const alice = await signIn(ALICE);
  await connected(alice.page);
  const room = `lobby-${tag}`;
  const roomId = await createRoom(alice.page, room, 'public');
  await send(alice.page, `welcome to the ${room}`);
  await expect(messageWith(alice.page, `welcome to the ${room}`)).not.toContainText('Sending…');

  await alice.page.reload();
  await connected(alice.page);
  await expect(conversationHeading(alice.page, `#${room}`)).toBeVisible();
  await expect(messageWith(alice.page, `welcome to the ${room}`)).toBeVisible();

  await conversationLink(alice.page, '#general').click();
  await expect(alice.page).toHaveURL(/\/r\/general$/);
  await alice.page.goBack();
  await expect(alice.page).toHaveURL(new RegExp(`/r/${roomId}$`));
  await expect(conversationHeading(alice.page, `#${room}`)).toBeVisible();
  await alice.page.goForward();
  await expect(conversationHeading(alice.page, '#general')).toBeVisible();

  // Someone else follows the link to the public room: its history, and a way to join.
  const bob = await signIn(BOB);
  await bob.page.goto(`/r/${encodeURIComponent(roomId)}`);
  await connected(bob.page);
  await expect(messageWith(bob.page, `welcome to the ${room}`)).toBeVisible();
  await expect(conversationHeading(bob.page, `#${room}`)).toBeVisible();
  await bob.page.getByRole('button', { name: 'Join room' }).click();
  await expect(conversationLink(bob.page, `#${room}`)).toBeVisible();
  await send(bob.page, 'glad to be here');
  await expect(messageWith(alice.page, 'glad to be here')).toHaveCount(0); // alice is elsewhere
  await conversationLink(alice.page, `#${room}`).click();
  await expect(messageWith(alice.page, 'glad to be here')).toContainText(BOB);
});

test('the conversation list works at 360 px', async ({ signIn }) => {
  const alice = await signIn(ALICE);
  await alice.page.setViewportSize({ width: 360, height: 640 });
  await connected(alice.page);
  await expect(conversationList(alice.page)).toBeHidden();
  await alice.page.getByRole('button', { name: /^Conversations/ }).click();
  await expect(conversationLink(alice.page, '#general')).toBeVisible();
  await conversationLink(alice.page, '#general').click();
  await expect(conversationList(alice.page)).toBeHidden();
  await expect(alice.page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  const overflow = await alice.page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
  expect(overflow).toBe(0);
});
