// Relays a client's `typing` invocation to the others who can read the same conversation: a
// room's readers (every connection but the typist's own), or the partner of a direct one. The
// typist's identity comes from the signed upstream request, never from the arguments, and the
// typist must be allowed to post where they say they type.
import {
  directConversationId,
  parseConversationId,
  partnerOf,
} from '../conversations/conversation-id.js';
import { pushToReaders, type ConversationHub } from '../conversations/delivery.js';
import { isPlausibleUserId, TYPING_EVENT, type TypingNotice } from '../shared/chat-message.js';
import { GENERAL_ROOM_ID } from '../shared/conversation.js';

export type TypingHub = Pick<ConversationHub, 'sendToAll' | 'sendToUser' | 'sendToGroup'>;

export interface Typist {
  connectionId: string;
  user: { id: string; name: string };
}

export type TypingOutcome =
  { kind: 'relayed' } | { kind: 'dropped' } | { kind: 'invalid'; reason: string };

export interface TypingDependencies {
  hub: TypingHub;
  /** The typist's connections (all their tabs), as presence knows them. */
  typistConnections: () => Promise<readonly string[]>;
  /** False when this person sent too many typing invocations lately. */
  allow: (userId: string) => Promise<boolean>;
  /** Whether the typist may post in the conversation (access.ts decides). */
  mayPost: (conversationId: string) => Promise<boolean>;
}

/**
 * The conversation the invocation's argument names: `{conversationId}`, or the seed's
 * `{recipient}` (the direct conversation with them), or nothing (#general).
 */
export function readTypingConversation(
  args: readonly unknown[],
  typistId: string,
): string | { invalid: string } {
  if (args.length > 1) return { invalid: 'typing takes at most one argument.' };
  const [request] = args;
  if (request === undefined || request === null) return GENERAL_ROOM_ID;
  if (typeof request !== 'object' || Array.isArray(request)) {
    return { invalid: 'The typing argument must be an object.' };
  }
  const { conversationId, recipient } = request as Record<string, unknown>;
  if (conversationId !== undefined && conversationId !== null) {
    if (typeof conversationId !== 'string' || !parseConversationId(conversationId)) {
      return { invalid: '`conversationId` must be a conversation id.' };
    }
    return conversationId;
  }
  if (recipient === undefined || recipient === null) return GENERAL_ROOM_ID;
  if (typeof recipient !== 'string' || !isPlausibleUserId(recipient)) {
    return { invalid: '`recipient` must be a user id.' };
  }
  return directConversationId(typistId, recipient);
}

export async function relayTyping(
  { hub, typistConnections, allow, mayPost }: TypingDependencies,
  typist: Typist,
  args: readonly unknown[],
): Promise<TypingOutcome> {
  const conversationId = readTypingConversation(args, typist.user.id);
  if (typeof conversationId === 'object')
    return { kind: 'invalid', reason: conversationId.invalid };
  // Clients throttle themselves; this only stops a misbehaving one from costing REST calls.
  if (!(await allow(typist.user.id))) return { kind: 'dropped' };
  if (!(await mayPost(conversationId))) return { kind: 'dropped' };

  const notice: TypingNotice = {
    user: { id: typist.user.id, name: typist.user.name },
    conversationId,
  };
  const ref = parseConversationId(conversationId);
  if (ref?.kind === 'direct') {
    const partner = partnerOf(ref.people, typist.user.id);
    // Writing to oneself: nobody else is in that conversation, and it never goes back.
    if (partner !== typist.user.id) {
      notice.recipient = partner;
      await hub.sendToUser(partner, TYPING_EVENT, [notice]);
    }
    return { kind: 'relayed' };
  }
  const excluded = new Set(await typistConnections());
  excluded.add(typist.connectionId);
  await pushToReaders(hub, conversationId, TYPING_EVENT, [notice], [...excluded]);
  return { kind: 'relayed' };
}
