import { useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { Mention } from '@chat/message';
import { splitMentions } from './mentions.js';
import type { FormatNode } from './parse-message.js';
import './formatting.css';

type Parse = (text: string) => FormatNode[];

// The parser (marked) is a chunk of its own, fetched as soon as the app starts, so that it does
// not weigh on the first load (see README: "Formatting"). Until it is there, and for good if it
// could not be fetched, a message shows as plain text, which is always safe.
let parse: Parse | undefined;
const parserListeners = new Set<() => void>();

/** Settles once the parser has loaded (or failed to). Tests await it before asserting markup. */
export const formattingReady: Promise<void> = import('./parse-message.js').then(
  (module) => {
    parse = module.parseMessage;
    for (const listener of parserListeners) listener();
  },
  () => undefined,
);

function subscribeToParser(listener: () => void): () => void {
  parserListeners.add(listener);
  return () => parserListeners.delete(listener);
}

function plain(text: string): FormatNode[] {
  return [{ type: 'text', text }];
}

export interface FormattedTextProps {
  text: string;
  /** The people the message mentions: each `@Name` of theirs is highlighted. */
  mentions?: readonly Mention[];
  /** The viewer: their own mentions get `mention-me` too. */
  ownId?: string;
  /** Class of the wrapping `<div>` (a div, since a fenced code block is a `<pre>`). */
  className?: string;
  /**
   * For a quote inside a control (a reply's quote is a button): a `<span>`, links as their
   * text (nothing interactive inside the button) and code blocks as inline code.
   */
  inline?: boolean;
}

/**
 * A message's text with its links, bold, italic and code. Built from React elements only: the
 * text never becomes HTML, so nothing in a message can add markup, scripts or attributes.
 */
export function FormattedText({
  text,
  mentions = [],
  ownId,
  className,
  inline = false,
}: FormattedTextProps) {
  const parser = useSyncExternalStore(subscribeToParser, () => parse);
  const nodes = useMemo(() => (parser ? parser(text) : plain(text)), [parser, text]);
  const classes = className ? `formatted-text ${className}` : 'formatted-text';
  const children = renderNodes(nodes, mentions, ownId, inline);
  return inline ? (
    <span className={`${classes} formatted-text--inline`}>{children}</span>
  ) : (
    <div className={classes}>{children}</div>
  );
}

function renderNodes(
  nodes: readonly FormatNode[],
  mentions: readonly Mention[],
  ownId: string | undefined,
  inline: boolean,
): ReactNode[] {
  return nodes.map((node, index) => {
    switch (node.type) {
      case 'text':
        return splitMentions(node.text, mentions, ownId).map((piece, pieceIndex) =>
          typeof piece === 'string' ? (
            piece
          ) : (
            <span
              key={`${index}.${pieceIndex}`}
              className={piece.me ? 'mention mention-me' : 'mention'}
            >
              {piece.mention}
            </span>
          ),
        );
      case 'strong':
        return <strong key={index}>{renderNodes(node.children, mentions, ownId, inline)}</strong>;
      case 'em':
        return <em key={index}>{renderNodes(node.children, mentions, ownId, inline)}</em>;
      case 'code':
        return <code key={index}>{node.text}</code>;
      case 'codeBlock':
        if (inline) return <code key={index}>{node.text}</code>;
        return (
          <pre key={index}>
            <code>{node.text}</code>
          </pre>
        );
      case 'link':
        if (inline) return <span key={index}>{renderNodes(node.children, [], ownId, inline)}</span>;
        // A link's text is the link: an `@name` inside a URL is part of the address.
        return (
          <a key={index} href={node.href} target="_blank" rel="noopener noreferrer">
            {renderNodes(node.children, [], ownId, inline)}
          </a>
        );
    }
  });
}
