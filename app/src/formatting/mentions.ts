import type { Mention } from '@chat/message';

/** A piece of text: either as typed, or an `@Name` of someone the message mentions. */
export type MentionPiece = string | { mention: string; me: boolean };

const WORD_CHARACTER = /[\p{L}\p{N}_]/u;

function isWordCharacter(character: string | undefined): boolean {
  return character !== undefined && WORD_CHARACTER.test(character);
}

/**
 * Splits text at each `@Name` of a mentioned person. Names are matched literally (they may hold
 * spaces or regex characters), the longest first so that `@Ann Lee` wins over `@Ann`, and only
 * as whole words: not inside an e-mail address, not as the start of a longer name. Names are not
 * unique, so a name is "me" when any mentioned person of that name is the viewer.
 */
export function splitMentions(
  text: string,
  mentions: readonly Mention[],
  ownId: string | undefined,
): MentionPiece[] {
  const names = [...new Set(mentions.map((m) => m.name).filter((name) => name.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  if (names.length === 0) return [text];
  const pieces: MentionPiece[] = [];
  let plainFrom = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    const name = isWordCharacter(text[at - 1])
      ? undefined
      : names.find(
          (candidate) =>
            text.startsWith(candidate, at + 1) && !isWordCharacter(text[at + 1 + candidate.length]),
        );
    if (name === undefined) {
      at = text.indexOf('@', at + 1);
      continue;
    }
    if (at > plainFrom) pieces.push(text.slice(plainFrom, at));
    const me = mentions.some((m) => m.name === name && m.id === ownId);
    pieces.push({ mention: `@${name}`, me });
    plainFrom = at + 1 + name.length;
    at = text.indexOf('@', plainFrom);
  }
  if (plainFrom < text.length) pieces.push(text.slice(plainFrom));
  return pieces;
}
