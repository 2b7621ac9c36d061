// Who may be mentioned: only people who can read the conversation, so a mention never tells
// anyone about a conversation they cannot see. #general: anyone in the directory of people; a
// room (public or private): its members; a direct conversation: its two people. Names come from
// the directory at send time (the mention is kept by id: names are not unique).
import type { Mention } from '../shared/chat-message.js';
import type { ChatStorage } from '../storage/index.js';
import type { Conversation } from './access.js';

export type MentionStore = Pick<ChatStorage, 'getPeople'> & {
  memberships: Pick<ChatStorage['memberships'], 'isRoomMember'>;
};

/**
 * The mentions as stored (in the order given), or undefined when someone among them cannot
 * read the conversation (the caller answers 422 `mentions`, rule `not-member`).
 */
export async function resolveMentions(
  store: MentionStore,
  conversation: Conversation,
  ids: readonly string[],
): Promise<Mention[] | undefined> {
  if (ids.length === 0) return [];
  const [people, readable] = await Promise.all([
    store.getPeople(ids),
    mayRead(store, conversation, ids),
  ]);
  const mentions: Mention[] = [];
  for (const [index, id] of ids.entries()) {
    const person = people.get(id);
    // #general's readers are the directory; elsewhere membership decides, the name is a label.
    const canRead = conversation.kind === 'general' ? person !== undefined : readable[index];
    if (!canRead) return undefined;
    mentions.push({ id, name: person?.name ?? id });
  }
  return mentions;
}

async function mayRead(
  store: MentionStore,
  conversation: Conversation,
  ids: readonly string[],
): Promise<boolean[]> {
  switch (conversation.kind) {
    case 'general':
      return ids.map(() => true);
    case 'direct':
      return ids.map((id) => conversation.people.includes(id));
    case 'room':
      return Promise.all(ids.map((id) => store.memberships.isRoomMember(conversation.room.id, id)));
  }
}
