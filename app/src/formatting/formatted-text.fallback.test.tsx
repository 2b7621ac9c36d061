import { act, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

// FormattedText fetches its parser as a chunk of its own. These tests load the component afresh
// with that chunk still on its way, or failing, to check what a reader sees meanwhile.
async function loadFormattedText(parser: () => Promise<unknown>) {
  vi.resetModules();
  vi.doMock('./parse-message.js', parser);
  return import('./formatted-text.js');
}

afterEach(() => {
  vi.doUnmock('./parse-message.js');
  vi.resetModules();
});

describe('before the parser has arrived', () => {
  it('shows the text as typed, with mentions already highlighted', async () => {
    const { FormattedText } = await loadFormattedText(() => new Promise(() => undefined));
    const { container } = render(
      <FormattedText
        text={'**hi** @bob <script>alert(1)</script> https://example.com'}
        mentions={[{ id: 'u-bob', name: 'bob' }]}
        ownId="u-bob"
      />,
    );
    const root = container.firstElementChild;
    expect(root?.textContent).toBe('**hi** @bob <script>alert(1)</script> https://example.com');
    expect(root?.querySelector('strong, a, script')).toBeNull();
    expect(root?.querySelector('span.mention.mention-me')?.textContent).toBe('@bob');
  });
});

describe('when the parser cannot be fetched', () => {
  it('keeps showing plain text', async () => {
    const { FormattedText, formattingReady } = await loadFormattedText(() =>
      Promise.reject(new Error('chunk failed to load')),
    );
    await formattingReady;
    const { container } = render(<FormattedText text="**still** readable" />);
    expect(container.firstElementChild?.textContent).toBe('**still** readable');
    expect(container.querySelector('strong')).toBeNull();
  });
});

describe('once the parser arrives', () => {
  it('re-renders text already on screen with its formatting', async () => {
    let release = (): void => undefined;
    const arrived = new Promise<void>((resolve) => (release = resolve));
    const { FormattedText, formattingReady } = await loadFormattedText(async () => {
      await arrived;
      return vi.importActual('./parse-message.js');
    });
    const { container } = render(<FormattedText text="**now** bold" />);
    expect(container.firstElementChild?.textContent).toBe('**now** bold');
    release();
    await act(() => formattingReady);
    expect(container.querySelector('strong')?.textContent).toBe('now');
    expect(container.firstElementChild?.textContent).toBe('now bold');
  });
});
