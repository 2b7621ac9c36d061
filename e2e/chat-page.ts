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
