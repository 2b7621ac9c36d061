import {
  conversationHeading,
  conversationLink,
  createRoom,
  expectConnected,
  messageWith,
  send,
  timeline,
} from '../chat-page.ts';
import { expect, signInThroughMockForm, signOutControl, test } from '../fixtures.ts';

test('signs in through the mock form and signs out again', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'Sign in with GitHub' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Sign in with Microsoft' })).toBeVisible();

  await signInThroughMockForm(page, 'dana');
  await expect(page.getByText('dana', { exact: true }).first()).toBeVisible();
  await expectConnected(page);

  await signOutControl(page).click();
  await expect(page.getByRole('link', { name: 'Sign in with GitHub' })).toBeVisible();
  const me = await page.request.get('/.auth/me');
  expect(await me.json()).toEqual({ clientPrincipal: null });
});

test('public messages reach everyone; a direct message reaches only its two people', async ({
  signIn,
}) => {
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  const carol = await signIn('carol');
  for (const person of [alice, bob, carol]) await expectConnected(person.page);

  await send(alice.page, 'Hello, room');
  for (const person of [alice, bob, carol]) {
    await expect(messageWith(person.page, 'Hello, room')).toContainText('alice');
  }

  // Alice picks bob from the timeline: his name opens their direct conversation.
  await send(bob.page, 'Hi alice');
  await messageWith(alice.page, 'Hi alice').getByRole('button', { name: /bob/ }).click();
  await expect(conversationHeading(alice.page, 'bob')).toBeVisible();
  await expect(alice.page).toHaveURL(/\/dm\/[^/]+$/);
  await send(alice.page, 'Just for you, bob');
  await expect(messageWith(alice.page, 'Just for you, bob')).not.toContainText('Sending…');

  // Bob has it in his list, not in the room.
  await expect(conversationLink(bob.page, 'alice')).toHaveAccessibleName(
    /^alice, online, 1 unread$/,
  );
  await expect(messageWith(bob.page, 'Just for you, bob')).toHaveCount(0);
  await conversationLink(bob.page, 'alice').click();
  await expect(messageWith(bob.page, 'Just for you, bob')).toContainText('alice');

  // Carol never sees it: checked once a later public message has reached her.
  await conversationLink(alice.page, '#general').click();
  await send(alice.page, 'Back to everyone');
  await expect(messageWith(carol.page, 'Back to everyone')).toBeVisible();
  await expect(messageWith(carol.page, 'Just for you, bob')).toHaveCount(0);
  await expect(conversationLink(carol.page, 'alice')).toHaveCount(0);
});

test('the API takes identity only from the sign-in, never from the request', async ({
  signIn,
  playwright,
  stack,
}) => {
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  await expectConnected(bob.page);

  // A hand-made request from alice's signed-in browser that claims to be someone else.
  const forged = await alice.page.evaluate(async () => {
    const response = await fetch('/api/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ms-client-principal-name': 'mallory' },
      body: JSON.stringify({
        text: 'who am I?',
        sender: { id: 'mallory', name: 'mallory' },
        senderName: 'mallory',
      }),
    });
    return { status: response.status, body: await response.json() };
  });
  expect(forged.status).toBe(202);
  expect(forged.body.sender.name).toBe('alice');
  await expect(messageWith(bob.page, 'who am I?')).toContainText('alice');
  await expect(messageWith(bob.page, 'who am I?')).not.toContainText('mallory');

  // Anonymous callers, with or without a forged principal header, get 401.
  const anonymous = await playwright.request.newContext({ baseURL: stack.url });
  const forgedPrincipal = Buffer.from(
    JSON.stringify({
      identityProvider: 'github',
      userId: 'mallory',
      userDetails: 'mallory',
      userRoles: ['anonymous', 'authenticated'],
    }),
  ).toString('base64');
  const withoutPrincipal: Record<string, string> = {};
  for (const headers of [withoutPrincipal, { 'x-ms-client-principal': forgedPrincipal }]) {
    expect((await anonymous.post('/api/negotiate', { headers })).status()).toBe(401);
    const sent = await anonymous.post('/api/messages', {
      headers,
      data: { text: 'anonymous hello' },
    });
    expect(sent.status()).toBe(401);
  }
  await anonymous.dispose();
});

test('markup in a message is shown as text and never runs', async ({ signIn }) => {
  const alice = await signIn('alice');
  const bob = await signIn('bob');
  const dialogs: string[] = [];
  for (const person of [alice, bob])
    person.page.on(
      'dialog',
      (dialog) => void dialog.dismiss().then(() => dialogs.push(dialog.message())),
    );
  await expectConnected(bob.page);

  const payload = '<img src=x onerror=alert(1)>';
  await send(alice.page, payload);
  for (const person of [alice, bob]) {
    await expect(messageWith(person.page, payload)).toBeVisible();
    await expect(timeline(person.page).locator('img')).toHaveCount(0);
  }
  await send(alice.page, 'after the markup');
  await expect(messageWith(bob.page, 'after the markup')).toBeVisible();
  expect(dialogs).toEqual([]);
});

test('the chat reconnects after the SignalR service restarts, rooms included', async ({
  signIn,
  stack,
}) => {
  // Unique names: "Add people" finds people by name, and this worker's stack has other bobs.
  const stamp = Date.now().toString(36);
  const alice = await signIn(`alice-${stamp}`);
  const bob = await signIn(`bob-${stamp}`);
  for (const person of [alice, bob]) await expectConnected(person.page);
  // A private room of the two (delivered through a SignalR group, which the emulator forgets).
  const room = `after-restart-${stamp}`;
  await createRoom(alice.page, room, 'private');
  await alice.page.getByRole('button', { name: 'Add people' }).click();
  await alice.page.getByRole('searchbox', { name: 'Name' }).fill(bob.name);
  await alice.page.getByRole('button', { name: `Add ${bob.name}` }).click();
  await expect(conversationLink(bob.page, `#${room}`)).toBeVisible();
  await conversationLink(alice.page, '#general').click();

  await stack.stopService('signalr');
  for (const person of [alice, bob]) {
    await expect(person.page.getByRole('status')).toHaveText(/reconnecting|offline/i);
  }
  await stack.startService('signalr');
  for (const person of [alice, bob]) {
    await expect(person.page.getByRole('status')).toHaveText(/^\s*connected\s*$/i, {
      timeout: 45_000,
    });
  }

  await send(bob.page, 'Still here after the restart');
  await expect(messageWith(alice.page, 'Still here after the restart')).toContainText('bob');

  // The room's messages still reach bob live: his list counts it, his open room shows it.
  await conversationLink(alice.page, `#${room}`).click();
  await send(alice.page, 'Room still works');
  await expect(conversationLink(bob.page, `#${room}`)).toHaveAccessibleName(`#${room}, 1 unread`);
  await conversationLink(bob.page, `#${room}`).click();
  await expect(messageWith(bob.page, 'Room still works')).toContainText('alice');
  await send(alice.page, 'And live in the open room');
  await expect(messageWith(bob.page, 'And live in the open room')).toContainText('alice');
});
