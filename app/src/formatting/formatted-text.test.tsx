import { render } from '@testing-library/react';
import type { Mention } from '@chat/message';
import { beforeAll, describe, expect, it } from 'vitest';
import { FormattedText, formattingReady } from './formatted-text.js';

const bob: Mention = { id: 'github|bob', name: 'bob' };
const alice: Mention = { id: 'github|alice', name: 'alice' };

beforeAll(async () => {
  await formattingReady;
});

function show(text: string, props: { mentions?: Mention[]; ownId?: string } = {}): HTMLElement {
  const { container } = render(<FormattedText text={text} {...props} />);
  const root = container.firstElementChild;
  if (!(root instanceof HTMLElement)) throw new Error('FormattedText rendered no element');
  return root;
}

function links(root: HTMLElement): HTMLAnchorElement[] {
  return [...root.querySelectorAll('a')];
}

describe('links', () => {
  it('makes a bare https URL one link, underscores and all, opening in a new tab', () => {
    const root = show('see https://example.com/a_b_c now');
    const [link, ...others] = links(root);
    expect(others).toHaveLength(0);
    expect(link?.getAttribute('href')).toBe('https://example.com/a_b_c');
    expect(link?.textContent).toBe('https://example.com/a_b_c');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(root.querySelector('em')).toBeNull();
    expect(root.textContent).toBe('see https://example.com/a_b_c now');
  });

  it('makes [text](url) a link named by its text, for http and https', () => {
    const root = show(
      'read [the docs](https://example.com/docs?x=1) or [this](http://example.org)',
    );
    expect(links(root).map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['the docs', 'https://example.com/docs?x=1'],
      ['this', 'http://example.org/'],
    ]);
    for (const a of links(root)) expect(a.getAttribute('rel')).toBe('noopener noreferrer');
  });

  it.each([
    '[x](javascript:alert(1))',
    '[x](JavaScript:alert(1))',
    '[x](data:text/html,<script>alert(1)</script>)',
    '[x](vbscript:msgbox(1))',
    '[x](/r/general)',
    '[x](//evil.example.com)',
    '[x](mailto:bob@example.com)',
    'javascript:alert(1)',
    'www.example.com',
    'bob@example.com',
  ])('leaves %s as plain text, never a link', (text) => {
    const root = show(text);
    expect(links(root)).toHaveLength(0);
    expect(root.textContent).toBe(text);
  });

  it('shows image syntax as its literal text: no img, no link', () => {
    const root = show('![img](https://example.com/a.png)');
    expect(root.querySelector('img')).toBeNull();
    expect(links(root)).toHaveLength(0);
    expect(root.textContent).toBe('![img](https://example.com/a.png)');
  });
});

describe('emphasis and code', () => {
  it('renders **bold**, _italic_ and *italic*', () => {
    const root = show('**bold** then _it_ and *also*');
    expect(root.querySelector('strong')?.textContent).toBe('bold');
    expect([...root.querySelectorAll('em')].map((em) => em.textContent)).toEqual(['it', 'also']);
    expect(root.textContent).toBe('bold then it and also');
  });

  it('leaves underscores inside words alone', () => {
    const root = show('call snake_case_name and __init__');
    expect(root.querySelector('em')).toBeNull();
    expect(root.textContent).toContain('snake_case_name');
  });

  it('shows `a<b>` as code holding those very characters', () => {
    const root = show('try `a<b>` here');
    const code = root.querySelector('code');
    expect(code?.textContent).toBe('a<b>');
    expect(root.querySelector('b')).toBeNull();
  });

  it('renders a fenced code block as pre with the HTML inside it as text', () => {
    const root = show('look:\n```html\n<b>hi</b>\n<script>alert(1)</script>\n```\ndone');
    const block = root.querySelector('pre > code');
    expect(block?.textContent).toBe('<b>hi</b>\n<script>alert(1)</script>');
    expect(root.querySelector('b')).toBeNull();
    expect(root.querySelector('script')).toBeNull();
    expect(root.textContent).toBe('look:\n<b>hi</b>\n<script>alert(1)</script>done');
  });

  it('keeps an unclosed fence as typed instead of swallowing the rest', () => {
    const root = show('```oops\nstill text');
    expect(root.querySelector('pre')).toBeNull();
    expect(root.textContent).toBe('```oops\nstill text');
  });

  it('does not format inside code', () => {
    const root = show('`**not bold** https://example.com`');
    expect(root.querySelector('strong')).toBeNull();
    expect(links(root)).toHaveLength(0);
  });
});

describe('everything else stays text as typed', () => {
  it.each([
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    '&amp; &lt;b&gt; &#60;script&#62; &copy;',
    '# not a heading\n## nor this',
    '- not\n- a list\n1. nor this',
    '> not a quote',
    '    four spaces are not code',
    '---',
    'a\n===',
    '| a | b |\n| --- | --- |\n| 1 | 2 |',
    '[ref]: https://example.com\nsee [ref]',
    '~~not struck~~',
    'line one\nline two\n\n\nline five',
    '  leading and trailing spaces  ',
  ])('%j', (text) => {
    const root = show(text);
    expect(root.textContent).toBe(text);
    const markup = root.querySelectorAll('script, img, h1, h2, ul, ol, li, blockquote, hr, table');
    expect(markup).toHaveLength(0);
    expect(root.querySelector('a:not([href^="http"])')).toBeNull();
  });

  it('keeps newlines as newlines in the text (the container wraps with pre-wrap)', () => {
    const root = show('one\ntwo **three**\nfour');
    expect(root.textContent).toBe('one\ntwo three\nfour');
    expect(root.querySelector('br')).toBeNull();
    expect(root.className).toBe('formatted-text');
  });

  it('puts the given class on its div', () => {
    const { container } = render(<FormattedText text="hi" className="message__text" />);
    expect(container.firstElementChild?.className).toBe('formatted-text message__text');
    expect(container.firstElementChild?.tagName).toBe('DIV');
  });
});

describe('inline (a reply quote inside a button)', () => {
  it('is a span with bold and code, links as plain text and code blocks as inline code', () => {
    const { container } = render(
      <FormattedText
        text={'the **notes**: https://example.com/n and\n```\nnpm run deploy\n```'}
        inline
      />,
    );
    const root = container.firstElementChild as HTMLElement;
    expect(root.tagName).toBe('SPAN');
    expect(root.querySelector('strong')?.textContent).toBe('notes');
    expect(root.querySelector('a')).toBeNull();
    expect(root.querySelector('pre')).toBeNull();
    expect(root.querySelector('code')?.textContent).toContain('npm run deploy');
    expect(root.textContent).toContain('https://example.com/n');
  });
});

describe('mentions', () => {
  function mentionSpans(root: HTMLElement) {
    return [...root.querySelectorAll('span.mention')].map((span) => ({
      text: span.textContent,
      me: span.classList.contains('mention-me'),
    }));
  }

  it('highlights each mentioned name, and the viewer own one as mention-me', () => {
    const root = show('@bob and @alice, not @carol', { mentions: [bob, alice], ownId: alice.id });
    expect(mentionSpans(root)).toEqual([
      { text: '@bob', me: false },
      { text: '@alice', me: true },
    ]);
    expect(root.textContent).toBe('@bob and @alice, not @carol');
  });

  it('matches names with spaces and regex characters literally, the longest first', () => {
    const ann: Mention = { id: 'u1', name: 'Ann' };
    const annLee: Mention = { id: 'u2', name: 'Ann Lee (QA) [*.+?]' };
    const root = show('@Ann Lee (QA) [*.+?] and @Ann, but not @Annette or @Ann Leex', {
      mentions: [ann, annLee],
      ownId: 'u2',
    });
    expect(mentionSpans(root)).toEqual([
      { text: '@Ann Lee (QA) [*.+?]', me: true },
      { text: '@Ann', me: false },
      { text: '@Ann', me: false },
    ]);
  });

  it('highlights inside bold and italic, not inside code, links or e-mail addresses', () => {
    const root = show(
      '`@bob` bob@bob.com **@bob** _@bob_ [@bob](https://example.com) https://example.com/@bob',
      { mentions: [bob] },
    );
    expect(root.querySelector('code span, a span')).toBeNull();
    expect(root.querySelector('strong > span.mention')?.textContent).toBe('@bob');
    expect(root.querySelector('em > span.mention')?.textContent).toBe('@bob');
    expect(mentionSpans(root)).toHaveLength(2);
  });

  it('highlights nothing without mentions', () => {
    expect(mentionSpans(show('@bob hi'))).toHaveLength(0);
  });
});

describe('long input', () => {
  it.each([
    ['backticks', '`'.repeat(2000)],
    ['asterisks and underscores', '*_'.repeat(1000)],
    ['unclosed bold', '**a'.repeat(666)],
    ['unclosed links', '[a]('.repeat(500)],
    ['unclosed images', '![a]('.repeat(400)],
    ['angle brackets', '<'.repeat(2000)],
    ['one long URL', `https://example.com/${'a_'.repeat(990)}`],
    ['empty fences', '```\n'.repeat(500)],
  ])('renders 2,000 characters of %s', (_name, text) => {
    const root = show(text, { mentions: [bob] });
    expect(root.childNodes.length).toBeGreaterThan(0);
    expect(root.textContent?.length).toBeLessThanOrEqual(text.length);
  });
});

describe('whatever is typed', () => {
  // A fixed-seed generator, so that a failure shows the same input again.
  function random(seed: number): () => number {
    let state = seed;
    return () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return state / 2 ** 31;
    };
  }
  const pieces = [
    '*',
    '**',
    '_',
    '`',
    '```',
    '\n',
    ' ',
    '[',
    ']',
    '(',
    ')',
    '!',
    '<',
    '>',
    '#',
    '-',
    '~',
    '|',
    '\\',
    '@bob',
    'https://example.com/',
    'javascript:',
    'a',
    'b c',
    '&amp;',
    '<script>',
    '<img src=x onerror=alert(1)>',
  ];

  it('yields only our elements, links only to http(s), and never more text than typed', () => {
    const next = random(10);
    for (let round = 0; round < 300; round += 1) {
      const length = 1 + Math.floor(next() * 40);
      const text = Array.from({ length }, () => pieces[Math.floor(next() * pieces.length)]).join(
        '',
      );
      const root = show(text, { mentions: [bob] });
      for (const element of root.querySelectorAll('*')) {
        expect(['STRONG', 'EM', 'CODE', 'PRE', 'A', 'SPAN'], text).toContain(element.tagName);
        expect(
          element
            .getAttributeNames()
            .every((name) => ['href', 'target', 'rel', 'class'].includes(name)),
          text,
        ).toBe(true);
      }
      for (const link of links(root))
        expect(link.getAttribute('href'), text).toMatch(/^https?:\/\//);
      expect((root.textContent ?? '').length, text).toBeLessThanOrEqual(text.length);
    }
  });
});
