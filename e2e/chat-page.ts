// What a person looks at and does on the chat page, by role and accessible name.
import { expect, type Page } from '@playwright/test';

export const timeline = (page: Page) => page.getByRole('log', { name: 'Messages' });

export const messageWith = (page: Page, text: string) =>
  timeline(page).getByRole('listitem').filter({ hasText: text });

/** Types into the composer and presses Enter, as a person sends. */
export async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByRole('textbox', { name: 'Message' });
  await composer.fill(text);
  await composer.press('Enter');
}

/** Waits until the connection status says exactly "Connected". */
export async function expectConnected(page: Page, options: { timeout?: number } = {}) {
  await expect(page.getByRole('status').filter({ hasText: /connected/i })).toHaveText(
    /^\s*connected\s*$/i,
    options,
  );
}

/** The sidebar's list of rooms and direct conversations. */
export const conversationList = (page: Page) =>
  page.getByRole('navigation', { name: 'Conversations' });

/** A conversation's entry in the list; its accessible name carries ", 3 unread", ", muted". */
export const conversationLink = (page: Page, name: string) =>
  conversationList(page).getByRole('link', { name: new RegExp(`^${escapeRegExp(name)}(,|$)`) });

/** The open conversation's name, as its heading shows it ("#ops", "bob"). */
export const conversationHeading = (page: Page, name: string) =>
  page.getByRole('heading', { name: new RegExp(`^${escapeRegExp(name)}(,|$| \\()`), level: 2 });

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Creates a room through the "New room" form; resolves with its id (from the address). */
export async function createRoom(
  page: Page,
  name: string,
  visibility: 'public' | 'private',
): Promise<string> {
  await conversationList(page).getByRole('button', { name: 'New room' }).click();
  const form = page.getByRole('region', { name: 'New room' });
  await form.getByRole('textbox', { name: 'Name' }).fill(name);
  await form
    .getByRole('radio', { name: visibility === 'private' ? /^Private/ : /^Public/ })
    .check();
  await form.getByRole('button', { name: 'Create room' }).click();
  await expect(conversationHeading(page, `#${name}`)).toBeVisible();
  const match = /^\/r\/([^/]+)$/.exec(new URL(page.url()).pathname);
  if (!match?.[1]) throw new Error(`not in a room: ${page.url()}`);
  return decodeURIComponent(match[1]);
}
