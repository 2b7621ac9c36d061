import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { Composer, type ComposerProps } from './composer.js';

function renderComposer(props: Partial<ComposerProps> = {}) {
  const onSend = vi.fn<ComposerProps['onSend']>();
  render(<Composer canSend placeholder="Message #general" onSend={onSend} {...props} />);
  return {
    onSend,
    textbox: screen.getByRole('textbox', { name: 'Message' }) as HTMLTextAreaElement,
    sendButton: screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement,
  };
}

describe('Composer', () => {
  it('sends with Enter and clears the box', async () => {
    const user = userEvent.setup();
    const { onSend, textbox } = renderComposer();
    await user.type(textbox, '  hello there  {Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hello there');
    expect(textbox.value).toBe('');
  });

  it('adds a line with Shift+Enter instead of sending', async () => {
    const user = userEvent.setup();
    const { onSend, textbox } = renderComposer();
    await user.type(textbox, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(onSend).not.toHaveBeenCalled();
    expect(textbox.value).toBe('line one\nline two');
    await user.keyboard('{Enter}');
    expect(onSend).toHaveBeenCalledExactlyOnceWith('line one\nline two');
  });

  it('sends with the Send button, which is disabled while the box is empty or blank', async () => {
    const user = userEvent.setup();
    const { onSend, textbox, sendButton } = renderComposer();
    expect(sendButton.disabled).toBe(true);
    await user.type(textbox, '   ');
    expect(sendButton.disabled).toBe(true);
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    await user.type(textbox, 'hi');
    expect(sendButton.disabled).toBe(false);
    await user.click(sendButton);
    expect(onSend).toHaveBeenCalledExactlyOnceWith('hi');
  });

  it('does not send while offline, keeps the draft and says why', async () => {
    const user = userEvent.setup();
    const { onSend, textbox, sendButton } = renderComposer({ canSend: false });
    await user.type(textbox, 'draft{Enter}');
    expect(onSend).not.toHaveBeenCalled();
    expect(textbox.value).toBe('draft');
    expect(sendButton.disabled).toBe(true);
    expect(screen.getByText(/not connected/i)).toBeTruthy();
    expect(textbox.getAttribute('aria-describedby')).toBeTruthy();
  });

  it('shows a counter only near the limit, and blocks text over it', async () => {
    const user = userEvent.setup();
    const { textbox, sendButton, onSend } = renderComposer();
    await user.click(textbox);
    await user.paste('a'.repeat(1800));
    expect(screen.queryByText(/\/ 2,000/)).toBeNull();

    await user.paste('b');
    expect(screen.getByText('1,801 / 2,000')).toBeTruthy();
    expect(sendButton.disabled).toBe(false);

    await user.paste('c'.repeat(200));
    expect(screen.getByText('2,001 / 2,000 (1 too many)')).toBeTruthy();
    expect(sendButton.disabled).toBe(true);
    expect(textbox.getAttribute('aria-invalid')).toBe('true');
    await user.keyboard('{Enter}');
    expect(onSend).not.toHaveBeenCalled();
  });

  it('counts characters as the API does (code points, not UTF-16 units)', async () => {
    const user = userEvent.setup();
    const { textbox } = renderComposer();
    await user.click(textbox);
    await user.paste('😀'.repeat(1801));
    expect(screen.getByText('1,801 / 2,000')).toBeTruthy();
  });

  it('says where the message goes', () => {
    const { textbox } = renderComposer({ placeholder: 'Message bob' });
    expect(textbox.placeholder).toBe('Message bob');
  });
});
