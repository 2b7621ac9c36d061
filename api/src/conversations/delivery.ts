// Who receives what, live. Each conversation's readers are reached with one REST call however
// many they are: #general through the whole hub, a room through its SignalR group (joined per
// user, so every tab of a member follows), a direct conversation through its two people.
// Storage is the truth about membership; the service's groups are rebuilt from it when a person
// negotiates, because the service can lose them (the emulator forgets them when it restarts).
import { forEachLimited } from '../for-each-limited.js';
import type { HubClient } from '../signalr/rest-client.js';
import type { ChatStorage } from '../storage/index.js';
import { GENERAL_ROOM_ID } from '../shared/conversation.js';
import { parseConversationId } from './conversation-id.js';

export type ConversationHub = Pick<
  HubClient,
  'sendToAll' | 'sendToUser' | 'sendToGroup' | 'addUserToGroup' | 'removeUserFromGroup'
>;

/** The SignalR group of a room's members. */
export const roomGroup = (roomId: string): string => `room_${roomId}`;

/** Sends to everyone who may read the conversation (but the `excluded` connections). */
export async function pushToReaders(
  hub: Pick<ConversationHub, 'sendToAll' | 'sendToUser' | 'sendToGroup'>,
  conversationId: string,
  target: string,
  args: unknown[],
  excluded: readonly string[] = [],
): Promise<void> {
  const ref = parseConversationId(conversationId);
  if (!ref) throw new Error(`Not a conversation id: ${conversationId}`);
  if (ref.kind === 'direct') {
    // Notes to oneself go out once.
    await Promise.all([...new Set(ref.people)].map((id) => hub.sendToUser(id, target, args)));
  } else if (ref.roomId === GENERAL_ROOM_ID) {
    await hub.sendToAll(target, args, excluded);
  } else {
    await hub.sendToGroup(roomGroup(ref.roomId), target, args, excluded);
  }
}

/** Puts the person's connections, present and future, in the groups of all their rooms. */
export async function restoreRoomGroups(
  hub: ConversationHub,
  storage: Pick<ChatStorage, 'memberships'>,
  userId: string,
): Promise<number> {
  const rooms = (await storage.memberships.listMemberships(userId)).filter(
    (m) => m.kind === 'room' && m.conversationId !== GENERAL_ROOM_ID,
  );
  // A few at a time: someone in hundreds of rooms must not open hundreds of sockets at once.
  await forEachLimited(rooms, 8, async (room) => {
    await hub.addUserToGroup(roomGroup(room.conversationId), userId);
  });
  return rooms.length;
}
