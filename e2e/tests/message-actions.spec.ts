// Acting on messages (issue 10) in real Chromium against the whole local stack: replies and the
// jump to an original that is not loaded, reactions counted in two browsers, an @mention picked
// with the keyboard that notifies a hidden page, edits and deletes seen live, and message text
// that tries to be HTML, a script link or an image staying harmless.
import { randomUUID } from 'node:crypto';
import { type Page } from '@playwright/test';
import { conversationLink, expectConnected, send, timeline } from '../chat-page.ts';
import type { ChatMessage } from '../../api/src/shared/chat-message.ts';
import { createChatStorage, readStorageSettings } from '../../api/src/storage/index.ts';
import { expect, test, type Person } from '../fixtures.ts';
import { recordNotifications, setHidden, shownNotifications } from '../notifications.ts';

const connected = (page: Page) => expectConnected(page, { timeout: 30_000 });

// Other tests in this worker share the stack and its storage: unique names keep them apart,
// and every test has people of its own (each person has their own rate limit).
const tag = Date.now().toString(36).slice(-5);
const person = (name: string) => `${name}-${tag}`;

async function userId(page: Page): Promise<string> {
  const me = await page.request.get('/.auth/me');
  return ((await me.json()) as { clientPrincipal: { userId: string } }).clientPrincipal.userId;
}

/** A public room made by the first person and joined by the others; opened on every page. */
async function roomFor(people: Person[], name: string): Promise<string> {
  const [owner, ...others] = people;
  const created = await owner!.page.request.post('/api/rooms', {
    data: { name, visibility: 'public' },
  });
  expect(created.status()).toBe(201);
  const roomId = ((await created.json()) as { id: string }).id;
  for (const other of others) {
    const joined = await other.page.request.put(
      `/api/rooms/${encodeURIComponent(roomId)}/members/${encodeURIComponent(await userId(other.page))}`,
    );
    expect(joined.status()).toBe(200);
  }
  for (const { page } of people) {
    await page.goto(`/r/${encodeURIComponent(roomId)}`);
    await connected(page);
    await expect(page.getByRole('heading', { name: `#${name}`, level: 2 })).toBeVisible();
  }
  return roomId;
}

interface Sender {
  id: string;
  name: string;
}

/** A message of a room as the API would have stored it, sent at `ms`. */
function said(sender: Sender, roomId: string, text: string, ms: number): ChatMessage {
  return {
    id: randomUUID(),
    text,
    sender,
    conversationId: roomId,
    isPrivate: false,
    sentAt: new Date(ms).toISOString(),
  };
}

/**
 * The message whose own text contains `text` (not a reply quoting it): a message is a list item
 * of the timeline, and its text is `.message__text`.
 */
const messageWith = (page: Page, text: string) =>
  timeline(page)
    .locator('li.message')
    .filter({ has: page.locator('.message__text', { hasText: text }) });

/** A message's toolbar shows on hover (or focus): hover it, then press the action. */
async function act(page: Page, text: string, action: 'Reply' | 'React' | 'Edit' | 'Delete') {
  const message = messageWith(page, text).first();
  await message.hover();
  await message.getByRole('toolbar').getByRole('button', { name: action, exact: true }).click();
}

test('a reply quotes its original; activating the quote loads earlier pages until it is found', async ({
  signIn,
  stack,
}) => {
  const alice = await signIn(person('alice'));
  const bob = await signIn(person('bob'));
  const carol = await signIn(person('carol'));
  const room = `replies-${tag}`;
  const roomId = await roomFor([alice, bob, carol], room);

  // The room's history from an hour ago: alice's question, then 56 messages from bob and carol,
  // enough that the question is not on the latest page (50). Stored as the API stores messages,
  // written straight to storage because sending 56 through the API would take a minute of rate
  // limits, and a page's catch-up re-reads the last 30 s (the settle window) anyway.
  const people = await Promise.all(
    [alice, bob, carol].map(async ({ name, page }) => ({ id: await userId(page), name })),
  );
  const [asAlice, asBob, asCarol] = people as [Sender, Sender, Sender];
  const hourAgo = Date.now() - 3_600_000;
  const history = [
    said(asAlice, roomId, `the original question ${tag}`, hourAgo),
    ...Array.from({ length: 56 }, (_, i) =>
      said(i % 2 ? asCarol : asBob, roomId, `filler ${i} ${tag}`, hourAgo + (i + 1) * 1000),
    ),
  ];
  const storage = createChatStorage(
    readStorageSettings({ ChatStorageConnectionString: stack.storageConnectionString }),
  );
  await storage.importMessages(history);

  // Alice opens the room, loads the page before the latest, and replies to her question.
  await alice.page.reload();
  await connected(alice.page);
  await expect(messageWith(alice.page, 'filler 55')).toBeVisible();
  await expect(messageWith(alice.page, 'the original question')).toHaveCount(0);
  await alice.page.getByRole('button', { name: 'Load earlier messages' }).click();
  await act(alice.page, 'the original question', 'Reply');
  await expect(alice.page.getByText(`Replying to ${alice.name}`)).toBeVisible();
  await send(alice.page, `the answer ${tag}`);
  const answer = messageWith(alice.page, 'the answer');
  await expect(answer).not.toContainText(/Sending…|Failed/);
  await expect(
    answer.getByRole('button', { name: `In reply to ${alice.name}: the original question ${tag}` }),
  ).toBeVisible();

  // Bob reloads: only the latest page is loaded, without the original.
  await bob.page.reload();
  await connected(bob.page);
  await expect(messageWith(bob.page, 'the answer')).toBeVisible();
  await expect(messageWith(bob.page, 'the original question')).toHaveCount(0);
  await messageWith(bob.page, 'the answer')
    .getByRole('button', { name: /^In reply to / })
    .click();
  const original = messageWith(bob.page, `the original question ${tag}`);
  await expect(original).toHaveClass(/message--highlighted/);
  await expect(original).toBeFocused();
  await expect(original).toBeInViewport();
  // The mark fades.
  await expect(original).not.toHaveClass(/message--highlighted/, { timeout: 10_000 });
});

test('reactions: counts and one’s own in two browsers, toggled from either', async ({ signIn }) => {
  const alice = await signIn(person('alice'));
  const bob = await signIn(person('bob'));
  await roomFor([alice, bob], `reactions-${tag}`);
  await send(alice.page, `react to this ${tag}`);
  await expect(messageWith(bob.page, 'react to this')).toBeVisible();

  // Bob reacts from the quick set.
  await act(bob.page, 'react to this', 'React');
  await bob.page.getByRole('button', { name: 'React with 👍' }).click();
  const bobsThumb = messageWith(bob.page, 'react to this').getByRole('button', { name: '👍 1' });
  await expect(bobsThumb).toHaveAttribute('aria-pressed', 'true');
  const alicesThumb = messageWith(alice.page, 'react to this').getByRole('button', {
    name: '👍 1',
  });
  await expect(alicesThumb).toHaveAttribute('aria-pressed', 'false');
  await expect(alicesThumb).toHaveAttribute('title', `${bob.name} reacted with 👍`);

  // Alice adds hers by clicking the count; both see 2, each with their own pressed.
  await alicesThumb.click();
  for (const page of [alice.page, bob.page]) {
    await expect(
      messageWith(page, 'react to this').getByRole('button', { name: '👍 2' }),
    ).toHaveAttribute('aria-pressed', 'true');
  }
  await expect(
    messageWith(bob.page, 'react to this').getByRole('button', { name: '👍 2' }),
  ).toHaveAttribute('title', `you and ${alice.name} reacted with 👍`);

  // Any one emoji, typed: a unicorn. Text that is not one emoji is refused.
  await act(alice.page, 'react to this', 'React');
  const picker = alice.page.getByRole('group', { name: 'Add a reaction' });
  await picker.getByRole('textbox', { name: 'Any emoji' }).fill('not an emoji');
  await picker.getByRole('button', { name: 'Add' }).click();
  await expect(picker.getByRole('alert')).toHaveText('Type a single emoji.');
  await picker.getByRole('textbox', { name: 'Any emoji' }).fill('🦄');
  await picker.getByRole('button', { name: 'Add' }).click();
  await expect(
    messageWith(bob.page, 'react to this').getByRole('button', { name: '🦄 1' }),
  ).toHaveAttribute('aria-pressed', 'false');

  // Bob takes his thumb back: alice sees 1, hers.
  await messageWith(bob.page, 'react to this').getByRole('button', { name: '👍 2' }).click();
  await expect(
    messageWith(alice.page, 'react to this').getByRole('button', { name: '👍 1' }),
  ).toHaveAttribute('aria-pressed', 'true');
  await expect(
    messageWith(bob.page, 'react to this').getByRole('button', { name: '👍 1' }),
  ).toHaveAttribute('aria-pressed', 'false');
});

test('an @mention picked with the keyboard is highlighted and notifies bob’s hidden page, even muted', async ({
  signIn,
}) => {
  const alice = await signIn(person('alice'));
  const bob = await signIn(person('bob'));
  await recordNotifications(bob.context);
  await bob.context.grantPermissions(['notifications']);
  const room = `mentions-${tag}`;
  const roomId = await roomFor([alice, bob], room);
  await expect(bob.page.getByText('Notifications on')).toBeVisible();
  const muted = await bob.page.request.put(
    `/api/conversations/${encodeURIComponent(roomId)}/mute`,
    {
      data: { muted: true },
    },
  );
  expect(muted.status()).toBe(200);
  await expect(conversationLink(bob.page, `#${room}`)).toHaveAccessibleName(`#${room}, muted`);
  // Bob looks elsewhere, and his page is hidden.
  await conversationLink(bob.page, '#general').click();
  await setHidden(bob.page, true);

  // Alice types "@" and the start of bob's name, and picks him with the keyboard.
  const composer = alice.page.getByRole('textbox', { name: 'Message' });
  await composer.pressSequentially('can you look, @');
  const options = alice.page.getByRole('listbox', { name: 'People to mention' });
  await expect(options.getByRole('option')).toHaveText([alice.name, bob.name]);
  await expect(options.getByRole('option', { name: alice.name })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await composer.press('ArrowDown');
  await expect(options.getByRole('option', { name: bob.name })).toHaveAttribute(
    'aria-selected',
    'true',
  );
  await composer.press('Enter');
  await expect(options).toBeHidden();
  await expect(composer).toHaveValue(`can you look, @${bob.name} `);
  await composer.pressSequentially('please?');
  await composer.press('Enter');

  const text = `can you look, @${bob.name} please?`;
  await expect
    .poll(() => shownNotifications(bob.page))
    .toEqual([
      expect.objectContaining({ title: `${alice.name} mentioned you in #${room}`, body: text }),
    ]);
  await expect(conversationLink(bob.page, `#${room}`)).toHaveAccessibleName(
    `#${room}, muted, 1 mention, 1 unread`,
  );

  // Highlighted for bob as his own mention; for alice as a mention of someone else.
  await setHidden(bob.page, false);
  await conversationLink(bob.page, `#${room}`).click();
  await expect(messageWith(bob.page, 'can you look').locator('.mention-me')).toHaveText(
    `@${bob.name}`,
  );
  await expect(messageWith(alice.page, 'can you look').locator('.mention')).toHaveText(
    `@${bob.name}`,
  );
  await expect(messageWith(alice.page, 'can you look').locator('.mention-me')).toHaveCount(0);
  await expect(conversationLink(bob.page, `#${room}`)).toHaveAccessibleName(`#${room}, muted`);
});

test('edits and deletes reach bob live; a reply to the deleted message says so', async ({
  signIn,
}) => {
  const alice = await signIn(person('alice'));
  const bob = await signIn(person('bob'));
  await roomFor([alice, bob], `edits-${tag}`);
  await send(alice.page, `teh first draft ${tag}`);
  await send(alice.page, `something to take back ${tag}`);
  await expect(messageWith(bob.page, 'something to take back')).toBeVisible();
  // Only one's own: bob has no Edit or Delete on alice's message.
  await messageWith(bob.page, 'teh first draft').hover();
  await expect(
    messageWith(bob.page, 'teh first draft').getByRole('button', { name: 'Edit' }),
  ).toHaveCount(0);

  // Bob answers the second one.
  await act(bob.page, 'something to take back', 'Reply');
  await send(bob.page, `what did you mean ${tag}`);
  await expect(messageWith(alice.page, 'what did you mean')).toBeVisible();

  // Edit inline: Escape cancels, Enter saves.
  await act(alice.page, 'teh first draft', 'Edit');
  const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
  await expect(editor).toBeFocused();
  await editor.press('Escape');
  await expect(editor).toBeHidden();
  await act(alice.page, 'teh first draft', 'Edit');
  await editor.fill(`the first draft ${tag}`);
  await editor.press('Enter');
  await expect(editor).toBeHidden();
  const edited = messageWith(bob.page, `the first draft ${tag}`);
  await expect(edited).toContainText('(edited)');
  await expect(messageWith(bob.page, 'teh first draft')).toHaveCount(0);

  // Delete, confirmed.
  await act(alice.page, 'something to take back', 'Delete');
  await alice.page.getByRole('button', { name: 'Delete message' }).click();
  for (const page of [alice.page, bob.page]) {
    await expect(messageWith(page, 'something to take back')).toHaveCount(0);
    await expect(
      timeline(page).locator('li.message .message__text', { hasText: 'This message was deleted' }),
    ).toHaveCount(1);
    await expect(
      messageWith(page, 'what did you mean').getByRole('button', {
        name: `In reply to ${alice.name}: Original message deleted`,
      }),
    ).toBeVisible();
  }
  // Still so after a reload (the stored state, not only the live one).
  await bob.page.reload();
  await connected(bob.page);
  await expect(messageWith(bob.page, `the first draft ${tag}`)).toContainText('(edited)');
  await expect(timeline(bob.page)).not.toContainText('something to take back');
});

test('HTML, script links and image syntax in a message stay harmless text', async ({ signIn }) => {
  const alice = await signIn(person('alice'));
  const bob = await signIn(person('bob'));
  await roomFor([alice, bob], `safe-${tag}`);
  const hostile = [
    `safety ${tag}`,
    '<script>window.pwned = 1</script>',
    '<img src=x onerror="window.pwned = 2">',
    '[click me](javascript:window.pwned=3)',
    '![tracker](https://example.com/pixel.png)',
    '**bold** and `<b>code</b>` and https://example.com/a_b_c',
  ].join(' ');
  await send(alice.page, hostile);
  const message = messageWith(bob.page, `safety ${tag}`);
  await expect(message).toBeVisible();
  await expect(message).toContainText('<script>window.pwned = 1</script>');
  await expect(message).toContainText('<img src=x onerror="window.pwned = 2">');
  await expect(message).toContainText('![tracker](https://example.com/pixel.png)');
  await expect(message.locator('script, img, iframe, [onerror]')).toHaveCount(0);
  await expect(message.locator('strong')).toHaveText('bold');
  await expect(message.locator('code')).toHaveText('<b>code</b>');
  // The one link is the https one, opening in a new tab without the opener.
  const links = message.getByRole('link');
  await expect(links).toHaveCount(1);
  await expect(links).toHaveAttribute('href', 'https://example.com/a_b_c');
  await expect(links).toHaveAttribute('target', '_blank');
  await expect(links).toHaveAttribute('rel', 'noopener noreferrer');
  await expect(message.getByText('click me')).toBeVisible();
  await message.getByText('click me').click();
  expect(await bob.page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined();
});

test('in a direct conversation: the two people to mention, a reaction, a reply and an edit', async ({
  signIn,
}) => {
  const alice = await signIn(person('alice'));
  const bob = await signIn(person('bob'));
  await connected(alice.page);
  await connected(bob.page);
  await alice.page
    .getByRole('list', { name: 'Online' })
    .getByRole('button', { name: bob.name, exact: true })
    .click();
  await expect(alice.page).toHaveURL(/\/dm\/[^/]+$/);
  await send(alice.page, `just between us ${tag}`);
  await conversationLink(bob.page, alice.name).click();
  await expect(messageWith(bob.page, 'just between us')).toBeVisible();

  await act(bob.page, 'just between us', 'React');
  await bob.page.getByRole('button', { name: 'React with 👀' }).click();
  await expect(
    messageWith(alice.page, 'just between us').getByRole('button', { name: '👀 1' }),
  ).toHaveAttribute('title', `${bob.name} reacted with 👀`);

  // Bob replies and mentions alice: the list offers the conversation's two people.
  await act(bob.page, 'just between us', 'Reply');
  const composer = bob.page.getByRole('textbox', { name: 'Message' });
  await composer.pressSequentially('ok @');
  await expect(
    bob.page.getByRole('listbox', { name: 'People to mention' }).getByRole('option'),
  ).toHaveText([alice.name, bob.name]);
  await composer.press('Tab');
  await composer.pressSequentially('deal');
  await composer.press('Enter');
  const reply = messageWith(alice.page, 'deal');
  await expect(reply.locator('.mention-me')).toHaveText(`@${alice.name}`);
  await expect(
    reply.getByRole('button', { name: `In reply to ${alice.name}: just between us ${tag}` }),
  ).toBeVisible();

  // Alice edits hers: bob sees it, and the quote of his reply follows.
  await act(alice.page, 'just between us', 'Edit');
  const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
  await editor.fill(`only between us ${tag}`);
  await editor.press('Enter');
  await expect(messageWith(bob.page, 'only between us')).toContainText('(edited)');
  await expect(
    messageWith(bob.page, 'deal').getByRole('button', {
      name: `In reply to ${alice.name}: only between us ${tag}`,
    }),
  ).toBeVisible();
});
