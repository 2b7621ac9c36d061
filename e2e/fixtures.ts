// Playwright fixtures: one whole local stack per worker (as `npm start` runs it, on free ports),
// and people who sign in through the SWA CLI's real mock sign-in form, each in a browser context.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import path from 'node:path';
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test';
import { freePorts, startStack, type RunningStack } from '../scripts/stack.ts';

const require = createRequire(import.meta.url);
/** The mock sign-in form loads jQuery from a CDN; offline, the same library comes from npm. */
const JQUERY_FILE = require.resolve('jquery/dist/jquery.min.js');

export interface Person {
  name: string;
  context: BrowserContext;
  page: Page;
}

interface WorkerFixtures {
  stack: RunningStack;
}
interface TestFixtures {
  /** Opens a new browser context, signs `name` in through the mock form and opens the chat. */
  signIn: (name: string) => Promise<Person>;
}

/** Keeps the browser off the internet: CDN requests of the mock form are served locally. */
export async function keepOffline(context: BrowserContext): Promise<void> {
  await context.route(/^https?:\/\/(?!localhost[:/]|127\.0\.0\.1[:/])/, (route) => route.abort());
  await context.route(/ajax\.aspnetcdn\.com\/ajax\/jquery\//, (route) =>
    route.fulfill({ path: JQUERY_FILE, contentType: 'application/javascript' }),
  );
}

/** "Sign out", whether the app renders it as a link or as a button. */
export const signOutControl = (page: Page) =>
  page.getByRole('button', { name: 'Sign out' }).or(page.getByRole('link', { name: 'Sign out' }));

export async function signInThroughMockForm(page: Page, name: string): Promise<void> {
  await page.goto('/');
  await page.getByRole('link', { name: 'Sign in with GitHub' }).click();
  // The form stores what is typed on keyup, so type it as a person would.
  await page.locator('#userDetails').pressSequentially(name);
  await page.locator('#submit').click();
  await expect(signOutControl(page)).toBeVisible();
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  stack: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, workerInfo) => {
      const logDir = path.join(workerInfo.project.outputDir, 'stack-logs');
      mkdirSync(logDir, { recursive: true });
      const logFile = path.join(logDir, `worker-${workerInfo.workerIndex}.log`);
      const storageDir = mkdtempSync(path.join(tmpdir(), 'chat-e2e-azurite-'));
      const stack = await startStack({
        ports: await freePorts(),
        storageDir,
        log: (service, line) => appendFileSync(logFile, `[${service}] ${line}\n`),
      });
      await use(stack);
      await stack.stop();
      rmSync(storageDir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 180_000 },
  ],

  baseURL: async ({ stack }, use) => {
    await use(stack.url);
  },

  context: async ({ context }, use) => {
    await keepOffline(context);
    await use(context);
  },

  signIn: async ({ browser, stack }, use, testInfo) => {
    const people: Person[] = [];
    await use(async (name) => {
      const context = await browser.newContext({ baseURL: stack.url });
      await keepOffline(context);
      const page = await context.newPage();
      people.push({ name, context, page });
      await signInThroughMockForm(page, name);
      return { name, context, page };
    });
    for (const person of people) {
      if (testInfo.status !== testInfo.expectedStatus && !person.page.isClosed()) {
        await testInfo.attach(`${person.name}.png`, {
          body: await person.page.screenshot({ fullPage: true }),
          contentType: 'image/png',
        });
      }
      await person.context.close();
    }
  },
});

export { expect };
