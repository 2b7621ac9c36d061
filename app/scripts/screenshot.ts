/**
 * Takes screenshots of the production build at 1280 and 360 px for a visual check, without
 * the rest of the stack: Playwright answers /.auth/me, the conversation routes and the SignalR
 * long-polling transport at the network boundary, so the page runs its real code.
 *
 *   npx tsx app/scripts/screenshot.ts [outDir]    (after `npm run build -w app`)
 *
 * CHROMIUM_PATH picks the browser (default /usr/bin/chromium). The pages are served with the
 * global headers of ../staticwebapp.config.json (its CSP included), and any CSP violation
 * or page error fails the run.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Page, type Route } from 'playwright';
import { preview } from 'vite';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = resolve(process.argv[2] ?? resolve(appDir, 'docs'));
const RS = '\u001e';

const alice = { id: 'alice-id', name: 'alice' };
const bob = { id: 'bob-id', name: 'bob' };
const carol = { id: 'carol-id', name: 'carol' };

function at(minute: number, second: number): string {
  return new Date(Date.UTC(2026, 10, 28, 9, minute, second)).toISOString();
}

const ids = (index: number) => `00000000-0000-4000-8000-00000000000${index}`;
const history = [
  { sender: bob, text: 'Morning all! Stand-up in five?', sentAt: at(0, 5) },
  {
    sender: carol,
    text: 'On my way ☕',
    sentAt: at(0, 40),
    version: 2,
    reactions: [{ emoji: '👍', count: 2, people: [alice, bob] }],
  },
  {
    sender: alice,
    text: 'Be right there.\nBringing the **release notes**: https://example.com/notes',
    sentAt: at(1, 10),
    version: 1,
    editedAt: at(1, 30),
  },
  {
    sender: bob,
    text: '@alice the notes look good, ship it 🚀 (`npm run deploy`)',
    sentAt: at(2, 0),
    version: 3,
    replyTo: {
      id: ids(2),
      sender: alice,
      quote: 'Be right there.\nBringing the **release notes**',
    },
    mentions: [alice],
    reactions: [
      { emoji: '🎉', count: 3, people: [alice, carol, { id: 'dave-id', name: 'dave' }] },
      { emoji: '👀', count: 1, people: [carol] },
    ],
  },
  { sender: carol, text: '<img src=x onerror=alert(1)> shows up as plain text', sentAt: at(3, 0) },
].map((message, index) => ({
  id: ids(index),
  conversationId: 'general',
  isPrivate: false,
  ...message,
}));

const previewOf = (message: (typeof history)[number]) => ({
  id: message.id,
  sender: message.sender,
  text: message.text,
  sentAt: message.sentAt,
});

/** GET /api/conversations: #general read up to its third message, rooms and direct ones. */
const conversations = [
  {
    id: 'general',
    kind: 'room',
    name: 'general',
    unread: 2,
    readPosition: { messageId: history[2]!.id, sentAt: history[2]!.sentAt },
    lastMessage: previewOf(history[4]!),
  },
  { id: 'r-design', kind: 'room', name: 'design', visibility: 'public', unread: 3 },
  {
    id: 'r-ops',
    kind: 'room',
    name: 'ops',
    visibility: 'private',
    unread: 12,
    unreadMentions: 1,
    muted: true,
  },
  { id: 'r-random', kind: 'room', name: 'random', visibility: 'public', unread: 0 },
  { id: 'dm.a.b', kind: 'direct', name: 'bob', with: bob, unread: 1 },
  { id: 'dm.a.c', kind: 'direct', name: 'carol', with: carol, unread: 0 },
  { id: 'dm.a.d', kind: 'direct', name: 'dave', with: { id: 'dave-id', name: 'dave' }, unread: 0 },
];

/** A minimal SignalR long-polling endpoint: the handshake, then a typing notice. */
async function fakeSignalR(page: Page): Promise<void> {
  const outbox: string[] = [];
  let handshaken = false;
  await page.route('**/api/negotiate**', (route) =>
    route.fulfill({
      json: {
        negotiateVersion: 1,
        connectionId: 'screenshot',
        connectionToken: 'screenshot',
        availableTransports: [{ transport: 'LongPolling', transferFormats: ['Text'] }],
      },
    }),
  );
  await page.route(/\/api\?id=/, async (route: Route) => {
    const method = route.request().method();
    if (method === 'POST' && handshaken) {
      // A typing invocation: nothing to answer.
      await route.fulfill({ status: 200, body: '' });
    } else if (method === 'POST') {
      // The client's first send is the handshake; answer it.
      handshaken = true;
      outbox.push(`{}${RS}`);
      // Later than her messages: a notice right after a person's message is taken as stale.
      setTimeout(() => {
        const notice = { user: carol, conversationId: 'general' };
        outbox.push(JSON.stringify({ type: 1, target: 'typing', arguments: [notice] }) + RS);
      }, 1500);
      await route.fulfill({ status: 200, body: '' });
    } else if (method === 'GET') {
      const body = outbox.splice(0).join('');
      if (body === '') await new Promise((done) => setTimeout(done, 500));
      await route.fulfill({ status: 200, contentType: 'text/plain', body });
    } else {
      await route.fulfill({ status: 202, body: '' });
    }
  });
}

/** The headers SWA adds to every response, so the build is checked under its real CSP. */
function swaGlobalHeaders(): Record<string, string> {
  const file = resolve(appDir, '..', 'staticwebapp.config.json');
  if (!existsSync(file)) return {};
  const config = JSON.parse(readFileSync(file, 'utf8')) as {
    globalHeaders?: Record<string, string>;
  };
  return config.globalHeaders ?? {};
}

function watchForProblems(page: Page, problems: string[]): void {
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('dialog', (dialog) => problems.push(`unexpected dialog: ${dialog.message()}`));
}

async function main(): Promise<void> {
  mkdirSync(outDir, { recursive: true });
  const headers = swaGlobalHeaders();
  const problems: string[] = [];
  const server = await preview({
    root: appDir,
    preview: { port: 0, host: '127.0.0.1', headers },
  });
  const baseUrl = server.resolvedUrls?.local[0];
  if (!baseUrl) throw new Error('vite preview did not report a URL');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  });
  try {
    const welcome = await browser.newPage({ viewport: { width: 360, height: 640 } });
    watchForProblems(welcome, problems);
    await welcome.route('**/.auth/me', (route) =>
      route.fulfill({ json: { clientPrincipal: null } }),
    );
    await welcome.goto(baseUrl);
    await welcome.getByRole('link', { name: 'Sign in with GitHub' }).waitFor();
    await welcome.screenshot({ path: resolve(outDir, 'welcome-light-360.png') });
    await welcome.close();

    for (const scheme of ['light', 'dark'] as const) {
      for (const width of [1280, 360]) {
        const page = await browser.newPage({
          viewport: { width, height: width > 500 ? 720 : 740 },
          colorScheme: scheme,
        });
        watchForProblems(page, problems);
        await page.route('**/.auth/me', (route) =>
          route.fulfill({
            json: {
              clientPrincipal: {
                identityProvider: 'github',
                userId: alice.id,
                userDetails: alice.name,
                userRoles: ['anonymous', 'authenticated'],
              },
            },
          }),
        );
        await page.route('**/api/conversations', (route) =>
          route.fulfill({ json: { conversations } }),
        );
        await page.route('**/api/conversations/general/messages**', (route) =>
          route.request().method() === 'GET'
            ? route.fulfill({ json: { messages: history, hasNewer: false } })
            : route.fulfill({
                status: 429,
                headers: { 'Retry-After': '12' },
                json: { error: { code: 'rate_limited', message: 'Too many messages.' } },
              }),
        );
        // Not focused in a headless browser, so nothing is marked read; answered all the same.
        await page.route('**/api/conversations/general/read', (route) =>
          route.fulfill({ json: { ...conversations[0], unread: 0 } }),
        );
        await page.route('**/api/people**', (route) =>
          route.fulfill({ json: { people: [alice, bob, carol] } }),
        );
        await page.route('**/api/presence', (route) =>
          route.fulfill({
            json: { people: [alice, bob, carol].map((p) => ({ ...p, since: at(0, 0) })) },
          }),
        );
        await fakeSignalR(page);
        await page.goto(baseUrl);
        await page.getByText('Connected').waitFor();
        await page.getByText('shows up as plain text').waitFor();
        await page.getByText('carol is typing…').waitFor();
        await page.getByRole('textbox', { name: 'Message' }).fill('Is the demo at ten?');
        await page.keyboard.press('Enter');
        await page.getByRole('button', { name: 'Retry' }).waitFor();
        // Acting on messages: a reply being written, the `@` list open, a message's toolbar.
        const plain = page.locator('li.message').filter({ hasText: 'shows up as plain text' });
        await plain.hover();
        await plain.getByRole('button', { name: 'Reply' }).click();
        await page.getByRole('textbox', { name: 'Message' }).fill('Thanks @');
        await page.getByRole('listbox', { name: 'People to mention' }).waitFor();
        await page.locator('li.message').filter({ hasText: 'ship it' }).hover();
        const file = resolve(outDir, `chat-${scheme}-${width}.png`);
        await page.screenshot({ path: file });
        console.log(file);
        if (width < 500) {
          // The conversation list is collapsed on narrow screens: show it open too.
          await page.getByRole('button', { name: /^Conversations/ }).click();
          await page.getByRole('button', { name: 'Show' }).click();
          const open = resolve(outDir, `chat-${scheme}-${width}-conversations.png`);
          await page.screenshot({ path: open });
          console.log(open);
        }
        await page.close();
      }
    }
    if (problems.length > 0) throw new Error(`Problems in the page:\n${problems.join('\n')}`);
    console.log(
      `No CSP violations or page errors (CSP: ${headers['Content-Security-Policy'] ?? 'none'})`,
    );
  } finally {
    await browser.close();
    await new Promise<void>((done) => server.httpServer.close(() => done()));
  }
}

await main();
