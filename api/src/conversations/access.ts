// The one place that decides who may read or act in a conversation. Every route asks it; the
// app never decides. The rules:
// - #general: everyone signed in reads and posts.
// - A public room: anyone reads (history before joining included); members post and keep a
//   read position.
// - A private room: members only, for everything; to anyone else it does not exist (404), so
//   its existence is not revealed.
// - A direct conversation: its two people only (404 to anyone else), decided from the id alone.
import { GENERAL_ROOM_ID } from '../shared/conversation.js';
import type { Room } from '../storage/index.js';
import { parseConversationId } from './conversation-id.js';
import { refuse, type Refusal } from './refusal.js';

export type Conversation =
  | { kind: 'general'; id: typeof GENERAL_ROOM_ID }
  | { kind: 'room'; id: string; room: Room }
  | { kind: 'direct'; id: string; people: readonly [string, string] };

/**
 * `read`: history and the member list; `post`: send, type; `track`: a read position or mute of
 * one's own; `manage`: add people (private rooms only).
 */
export type ConversationAction = 'read' | 'post' | 'track' | 'manage';

export type AccessDenied = Refusal & { status: 403 | 404 };

export type AccessDecision =
  { ok: true; conversation: Conversation; isMember: boolean } | AccessDenied;

/** What deciding needs from storage: two point reads at most. */
export interface AccessStore {
  rooms: { getRoom(roomId: string): Promise<Room | undefined> };
  memberships: { isRoomMember(roomId: string, userId: string): Promise<boolean> };
}

const denied = (status: 403 | 404, code: string, message: string): AccessDenied =>
  refuse(status, code, message) as AccessDenied;

export const notFound = (): AccessDenied =>
  denied(404, 'not_found', 'There is no such conversation, or you cannot see it.');

export async function decideAccess(
  store: AccessStore,
  callerId: string,
  conversationId: string,
  action: ConversationAction,
): Promise<AccessDecision> {
  const ref = parseConversationId(conversationId);
  if (!ref) return notFound();

  if (ref.kind === 'direct') {
    if (!ref.people.includes(callerId)) return notFound();
    if (action === 'manage') return notFound();
    return {
      ok: true,
      conversation: { kind: 'direct', id: conversationId, people: ref.people },
      isMember: true,
    };
  }

  if (ref.roomId === GENERAL_ROOM_ID) {
    if (action === 'manage') return denied(403, 'forbidden', 'Everyone is in #general already.');
    return { ok: true, conversation: { kind: 'general', id: GENERAL_ROOM_ID }, isMember: true };
  }

  const [room, isMember] = await Promise.all([
    store.rooms.getRoom(ref.roomId),
    store.memberships.isRoomMember(ref.roomId, callerId),
  ]);
  if (!room) return notFound();
  if (room.visibility === 'private' && !isMember) return notFound();
  const conversation: Conversation = { kind: 'room', id: room.id, room };
  if (action === 'manage' && room.visibility === 'public') {
    return denied(
      403,
      'forbidden',
      'People join public rooms themselves; only private rooms take added members.',
    );
  }
  if (action === 'read' || isMember) return { ok: true, conversation, isMember };
  return denied(403, 'not_a_member', 'Join this room first.');
}
