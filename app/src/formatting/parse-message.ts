import { Lexer, Tokenizer, type MarkedOptions, type Token, type Tokens } from 'marked';

/**
 * A chat message's text as the few things we format. Anything that is not one of these is a
 * `text` node holding the characters exactly as typed: there is no node that could carry HTML.
 */
export type FormatNode =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: FormatNode[] }
  | { type: 'em'; children: FormatNode[] }
  | { type: 'code'; text: string }
  | { type: 'codeBlock'; text: string }
  | { type: 'link'; href: string; children: FormatNode[] };

/**
 * marked's tokenizer with every rule we do not format switched off, so that what they would
 * have matched is left to the plain-text rules and stays as typed. A tokenizer method that
 * returns `undefined` means "no match here" to marked's lexer.
 */
class ChatTokenizer extends Tokenizer {
  // Block rules: only paragraphs, blank lines and fenced code remain.
  override code(): undefined {} // indented code: four spaces are just spaces in a chat
  override heading(): undefined {}
  override hr(): undefined {}
  override blockquote(): undefined {}
  override list(): undefined {}
  override html(): undefined {}
  override def(): undefined {} // `[a]: url` would otherwise vanish from the text
  override table(): undefined {}
  override lheading(): undefined {}
  // Inline rules: raw HTML, strikethrough and reference links stay text.
  override tag(): undefined {}
  override del(): undefined {}
  override reflink(): undefined {}
}

/** A lexer of our rules. Each gets its own tokenizer and options: marked ties them together. */
function chatLexer(): Lexer {
  const options: MarkedOptions = { gfm: true, breaks: false, tokenizer: new ChatTokenizer() };
  return new Lexer(options);
}

/** Only these open as links; `javascript:`, `data:`, relative and every other URL stays text. */
function safeHref(href: string): string | undefined {
  try {
    const url = new URL(href);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined; // relative or malformed
  }
}

/** A fence counts only when it is closed: an unclosed one would swallow the rest as code. */
function isClosedBacktickFence(token: Tokens.Code): boolean {
  const opening = /^ {0,3}(`{3,})/.exec(token.raw)?.[1];
  if (opening === undefined) return false; // `~~~` fences are not in our rules
  const lines = token.raw.trimEnd().split('\n');
  return lines.length > 1 && (lines.at(-1) ?? '').trim().startsWith(opening);
}

function text(value: string): FormatNode {
  return { type: 'text', text: value };
}

function inlineNodes(tokens: Token[]): FormatNode[] {
  const nodes: FormatNode[] = [];
  for (const token of tokens) {
    const node = inlineNode(token);
    const last = nodes.at(-1);
    if (node.type === 'text' && last?.type === 'text') last.text += node.text;
    else nodes.push(node);
  }
  return nodes;
}

function inlineNode(token: Token): FormatNode {
  switch (token.type) {
    case 'strong':
    case 'em':
      return { type: token.type, children: inlineNodes((token as Tokens.Strong).tokens) };
    case 'codespan':
      return { type: 'code', text: (token as Tokens.Codespan).text };
    case 'escape':
      // `\*` is how one writes a literal asterisk; show the character, as markdown does.
      return text((token as Tokens.Escape).text);
    case 'link': {
      const link = token as Tokens.Link;
      // Bare URLs only when written with their scheme: marked also links `www.x` and e-mail
      // addresses, which we leave as text. `[text](url)` and `<url>` carry their own target.
      const bare = !link.raw.startsWith('[') && !link.raw.startsWith('<');
      const href = safeHref(link.href);
      if (href === undefined || (bare && !/^https?:\/\//i.test(link.raw))) return text(link.raw);
      return { type: 'link', href, children: inlineNodes(link.tokens) };
    }
    default:
      // text, images (`![alt](src)` is shown as typed), hard line breaks, anything new.
      return text(token.raw);
  }
}

/**
 * Parses a message's text into format nodes. The text is kept exactly as typed apart from the
 * markup of bold, italic, code, fenced code blocks and links; line breaks stay `\n`.
 */
export function parseMessage(source: string): FormatNode[] {
  const normalized = source.replace(/\r\n?/g, '\n');
  const blocks = chatLexer().blockTokens(normalized, []);
  const nodes: FormatNode[] = [];
  for (const block of blocks) {
    if (block.type === 'code' && isClosedBacktickFence(block as Tokens.Code)) {
      nodes.push({ type: 'codeBlock', text: (block as Tokens.Code).text });
      // The newline after the closing fence belongs to the block, not to the text after it.
      continue;
    }
    // Every other block (paragraphs, blank lines, an unclosed fence) is its raw text read by
    // the inline rules, so the characters between blocks are kept too. A fresh lexer per block:
    // inline lexing keeps state (the reference links it saw) that must not leak across.
    const inline = chatLexer().inlineTokens(block.raw);
    for (const node of inlineNodes(inline)) {
      const last = nodes.at(-1);
      if (node.type === 'text' && last?.type === 'text') last.text += node.text;
      else nodes.push(node);
    }
  }
  return nodes;
}
