/**
 * The `@name` being typed in the composer, and what picking a person does to the text. Pure, so
 * the composer's picker and its tests share one definition.
 */

import type { Mention } from '@chat/message';

/** The `@` and the start of a name just before the caret. */
export interface MentionQuery {
  /** Where the `@` is. */
  start: number;
  /** What follows it up to the caret (no spaces: a space ends the query). */
  query: string;
}

/** The longest query the picker follows; longer words are not names being typed. */
export const MAX_MENTION_QUERY = 40;

// An `@` at the start or after white space (not in an e-mail address), then the name so far.
const QUERY_BEFORE_CARET = new RegExp(`(?:^|\\s)@([^\\s@]{0,${MAX_MENTION_QUERY}})$`, 'u');

/** The mention being typed at `caret`, or undefined when the caret is not in one. */
export function mentionAt(text: string, caret: number): MentionQuery | undefined {
  const match = QUERY_BEFORE_CARET.exec(text.slice(0, caret));
  if (!match) return undefined;
  const query = match[1] ?? '';
  return { start: caret - query.length - 1, query };
}

/** The text with the query replaced by `@Name `, and where the caret goes after it. */
export function insertMention(
  text: string,
  at: MentionQuery,
  name: string,
): { text: string; caret: number } {
  const inserted = `@${name} `;
  const end = at.start + 1 + at.query.length;
  // A space already after the query is not doubled.
  const rest = text.slice(end).replace(/^ /, '');
  return { text: text.slice(0, at.start) + inserted + rest, caret: at.start + inserted.length };
}

/** The mentions of `mentions` whose `@name` is still in `text` (an edit may remove some). */
export function mentionsIn(text: string, mentions: readonly Mention[] | undefined): Mention[] {
  return (mentions ?? []).filter((mention) => text.includes(`@${mention.name}`));
}
