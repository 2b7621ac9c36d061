// Who is in which conversation, kept in both directions in ChatMembers (see README.md,
// "Memberships"):
// - `m_<roomId>` / `<base64url(userId)>`: a room's members. The truth about who may read a
//   private room and who may post in a room: one point read answers it.
// - `u_<base64url(userId)>` / `<conversationId>`: a person's conversations, with their read
//   position and mute. Listing someone's conversations reads this one partition.
import { odata, type TableEntityResult } from '@azure/data-tables';
import type { ConversationKind, RoomVisibility } from '../shared/conversation.js';
import { statusOf } from './errors.js';
import { comparePositions, encodeId, type Position } from './keys.js';
import { updateRow } from './optimistic.js';
import type { ChatTables } from './table.js';

/** What a person's conversation row says about the conversation (copied when they joined). */
export interface ConversationLabel {
  kind: ConversationKind;
  name: string;
  topic?: string;
  visibility?: RoomVisibility;
  /** Direct conversations: the other person. */
  with?: { id: string; name: string };
}

/** A read position: always a message's place in the timeline. */
export type ReadMark = Position & { id: string };

/**
 * The person's unread count as last counted: `count` others' messages after the read position
 * (whose id was `readId`) up to `upTo`, a position older than the settle window when counted, so
 * no message can be stored before it later, `mentions` of them mentioning the person. Valid
 * while the read position stays where it was.
 */
export interface UnreadTally {
  upTo: Position;
  readId: string;
  count: number;
  mentions: number;
}

export interface Membership extends ConversationLabel {
  conversationId: string;
  readPosition?: ReadMark;
  tally?: UnreadTally;
  muted: boolean;
  joinedAt: string;
}

export interface RoomMember {
  id: string;
  name: string;
  joinedAt: string;
}

/** A person's conversations listed at most (one partition, one query). */
export const MAX_CONVERSATIONS = 500;
/** A room's member list is read at most this long. */
export const MAX_LISTED_MEMBERS = 1000;

const roomPartition = (roomId: string): string => `m_${roomId}`;
const personPartition = (userId: string): string => `u_${encodeId(userId)}`;

type Entity = TableEntityResult<Record<string, unknown>>;

function labelProperties(label: ConversationLabel): Record<string, string> {
  const properties: Record<string, string> = { kind: label.kind, name: label.name };
  if (label.topic !== undefined) properties.topic = label.topic;
  if (label.visibility !== undefined) properties.visibility = label.visibility;
  if (label.with !== undefined) {
    properties.withId = label.with.id;
    properties.withName = label.with.name;
  }
  return properties;
}

function membershipFromEntity(entity: Entity): Membership {
  const membership: Membership = {
    conversationId: String(entity.rowKey),
    kind: entity.kind === 'direct' ? 'direct' : 'room',
    name: String(entity.name ?? ''),
    muted: entity.muted === true,
    joinedAt: String(entity.joinedAt ?? ''),
  };
  if (typeof entity.topic === 'string' && entity.topic !== '') membership.topic = entity.topic;
  if (entity.visibility === 'public' || entity.visibility === 'private') {
    membership.visibility = entity.visibility;
  }
  if (typeof entity.withId === 'string') {
    membership.with = { id: entity.withId, name: String(entity.withName ?? '') };
  }
  if (typeof entity.readMs === 'number' && typeof entity.readId === 'string') {
    membership.readPosition = { ms: entity.readMs, id: entity.readId };
  }
  const { tallyMs, tallyId, tallyReadId, tally, tallyMentions } = entity;
  if (
    typeof tallyMs === 'number' &&
    typeof tallyId === 'string' &&
    typeof tallyReadId === 'string' &&
    typeof tally === 'number'
  ) {
    membership.tally = {
      upTo: { ms: tallyMs, id: tallyId === '' ? null : tallyId },
      readId: tallyReadId,
      count: tally,
      // Rows counted before mentions existed have none: 0.
      mentions: typeof tallyMentions === 'number' ? tallyMentions : 0,
    };
  }
  return membership;
}

export function createMembershipStore(tables: ChatTables) {
  const { members } = tables;

  const pointRead = (partitionKey: string, rowKey: string): Promise<Entity | undefined> =>
    members.find('read membership', partitionKey, rowKey);

  async function readPartition(partitionKey: string, max: number): Promise<Entity[]> {
    return members.run('list memberships', async (abortSignal) => {
      const rows: Entity[] = [];
      const filter = odata`PartitionKey eq ${partitionKey}`;
      const pages = members.client
        .listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal })
        .byPage({ maxPageSize: Math.min(max, 1000) });
      for await (const page of pages) {
        for (const row of page) {
          rows.push(row);
          if (rows.length >= max) return rows;
        }
      }
      return rows;
    });
  }

  /** True when the person was not a member before. */
  async function addRoomMember(roomId: string, person: { id: string; name: string }, at: Date) {
    try {
      await members.run('add room member', (abortSignal) =>
        members.client.createEntity(
          {
            partitionKey: roomPartition(roomId),
            rowKey: encodeId(person.id),
            userId: person.id,
            name: person.name,
            joinedAt: at.toISOString(),
          },
          { abortSignal },
        ),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 409) return false;
      throw error;
    }
  }

  /** True when the person was a member. */
  async function removeRoomMember(roomId: string, userId: string): Promise<boolean> {
    try {
      await members.run('remove room member', (abortSignal) =>
        members.client.deleteEntity(roomPartition(roomId), encodeId(userId), { abortSignal }),
      );
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async function isRoomMember(roomId: string, userId: string): Promise<boolean> {
    return (await pointRead(roomPartition(roomId), encodeId(userId))) !== undefined;
  }

  async function listRoomMembers(roomId: string): Promise<RoomMember[]> {
    const rows = await readPartition(roomPartition(roomId), MAX_LISTED_MEMBERS);
    return rows.map((row) => ({
      id: String(row.userId),
      name: String(row.name ?? ''),
      joinedAt: String(row.joinedAt ?? ''),
    }));
  }

  async function getMembership(
    userId: string,
    conversationId: string,
  ): Promise<Membership | undefined> {
    const entity = await pointRead(personPartition(userId), conversationId);
    return entity ? membershipFromEntity(entity) : undefined;
  }

  async function listMemberships(userId: string): Promise<Membership[]> {
    const rows = await readPartition(personPartition(userId), MAX_CONVERSATIONS);
    return rows.map(membershipFromEntity);
  }

  /**
   * Puts the conversation in the person's list, or refreshes its label, keeping their read
   * position and mute. `readPosition` applies only when the row is new (joining counts as having
   * read what was there); a direct conversation appears unread from its first message.
   */
  async function putMembership(
    userId: string,
    conversationId: string,
    label: ConversationLabel,
    options: { at: Date; readPosition?: ReadMark },
  ): Promise<void> {
    const partitionKey = personPartition(userId);
    const row = { partitionKey, rowKey: conversationId, ...labelProperties(label) };
    if (options.readPosition === undefined) {
      // One round trip: a merge never touches the properties it does not name.
      await members.run('write membership', (abortSignal) =>
        members.client.upsertEntity(row, 'Merge', { abortSignal }),
      );
      return;
    }
    const { readPosition } = options;
    try {
      await members.run('write membership', (abortSignal) =>
        members.client.createEntity(
          {
            ...row,
            joinedAt: options.at.toISOString(),
            muted: false,
            readMs: readPosition.ms,
            readId: readPosition.id,
          },
          { abortSignal },
        ),
      );
    } catch (error) {
      if (statusOf(error) !== 409) throw error;
      await members.run('write membership', (abortSignal) =>
        members.client.upsertEntity(row, 'Merge', { abortSignal }),
      );
    }
  }

  /**
   * Keeps an unread tally on the person's row, if the row still exists (never recreating a
   * conversation they left). A tally written from an old read position is simply not used.
   */
  async function saveTally(userId: string, conversationId: string, tally: UnreadTally) {
    try {
      await members.run('write unread tally', (abortSignal) =>
        members.client.updateEntity(
          {
            partitionKey: personPartition(userId),
            rowKey: conversationId,
            tallyMs: tally.upTo.ms,
            tallyId: tally.upTo.id ?? '',
            tallyReadId: tally.readId,
            tally: tally.count,
            tallyMentions: tally.mentions,
          },
          'Merge',
          { etag: '*', abortSignal },
        ),
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  async function removeMembership(userId: string, conversationId: string): Promise<void> {
    try {
      await members.run('remove membership', (abortSignal) =>
        members.client.deleteEntity(personPartition(userId), conversationId, { abortSignal }),
      );
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
  }

  /**
   * Moves the read position forward to `position` (never back), creating the row with `label`
   * when the person had none. Optimistic concurrency: two tabs reading at once both win, and the
   * furthest position stays. Returns the membership as it is afterwards.
   */
  async function moveReadPosition(
    userId: string,
    conversationId: string,
    position: ReadMark,
    label: ConversationLabel,
    at: Date,
  ): Promise<Membership> {
    const key = { partitionKey: personPartition(userId), rowKey: conversationId };
    const { current, written } = await updateRow(members, key, 'read position', (entity) => {
      const held = entity && membershipFromEntity(entity);
      if (held?.readPosition && comparePositions(position, held.readPosition) <= 0)
        return undefined;
      const update = { ...key, readMs: position.ms, readId: position.id };
      return entity
        ? update
        : { ...update, ...labelProperties(label), muted: false, joinedAt: at.toISOString() };
    });
    const before: Membership = current
      ? membershipFromEntity(current)
      : { conversationId, ...label, muted: false, joinedAt: at.toISOString() };
    return written ? { ...before, readPosition: position } : before;
  }

  /** Mutes or unmutes, creating the row with `label` when the person had none. */
  async function setMuted(
    userId: string,
    conversationId: string,
    muted: boolean,
    label: ConversationLabel,
    at: Date,
  ): Promise<Membership> {
    const partitionKey = personPartition(userId);
    const existing = await pointRead(partitionKey, conversationId);
    const row = existing
      ? { partitionKey, rowKey: conversationId, muted }
      : {
          partitionKey,
          rowKey: conversationId,
          ...labelProperties(label),
          muted,
          joinedAt: at.toISOString(),
        };
    await members.run('mute', (abortSignal) =>
      members.client.upsertEntity(row, 'Merge', { abortSignal }),
    );
    return existing
      ? { ...membershipFromEntity(existing), muted }
      : { conversationId, ...label, muted, joinedAt: at.toISOString() };
  }

  return {
    addRoomMember,
    removeRoomMember,
    isRoomMember,
    listRoomMembers,
    getMembership,
    listMemberships,
    putMembership,
    removeMembership,
    moveReadPosition,
    setMuted,
    saveTally,
  };
}

export type MembershipStore = ReturnType<typeof createMembershipStore>;
