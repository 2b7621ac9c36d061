import { GENERAL_ROOM_ID, type ConversationSummary, type PersonSummary } from '@chat/conversation';
import { fetchRoomMembers, searchPeople } from '../api/conversations.js';

/** Who can be mentioned in a conversation whose names start with `query`, by name. */
export type MentionSource = (query: string) => Promise<PersonSummary[]>;

/** The most names the picker offers at once. */
export const MAX_MENTION_OPTIONS = 8;

/** A room's member list is read again when older than this (people join and leave). */
const MEMBERS_FRESH_MS = 30_000;

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });

function matching(people: readonly PersonSummary[], query: string): PersonSummary[] {
  const start = query.toLocaleLowerCase();
  return people
    .filter((person) => person.name.toLocaleLowerCase().startsWith(start))
    .sort((a, b) => collator.compare(a.name, b.name))
    .slice(0, MAX_MENTION_OPTIONS);
}

/**
 * Only people who can read a conversation may be mentioned in it (the API refuses others):
 * #general is everyone in the directory of people (asked per query, the directory is large),
 * a room is its members (read once, filtered here), a direct conversation its two people.
 */
export function mentionSource(
  conversationId: string,
  summary: Pick<ConversationSummary, 'kind' | 'with'> | undefined,
  me: PersonSummary,
  fetchFn: typeof fetch,
  now: () => number = Date.now,
): MentionSource {
  if (conversationId === GENERAL_ROOM_ID) {
    return async (query) => matching(await searchPeople(query, fetchFn), query);
  }
  if (summary?.kind === 'direct') {
    const partner = summary.with;
    const people = partner && partner.id !== me.id ? [me, partner] : [me];
    return (query) => Promise.resolve(matching(people, query));
  }
  let members: { at: number; list: Promise<PersonSummary[]> } | undefined;
  return async (query) => {
    if (!members || now() - members.at > MEMBERS_FRESH_MS) {
      const list = fetchRoomMembers(conversationId, fetchFn);
      members = { at: now(), list };
      // A failed read is not kept: the next query asks again.
      list.catch(() => {
        if (members?.list === list) members = undefined;
      });
    }
    return matching(await members.list, query);
  };
}
